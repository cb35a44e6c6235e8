import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSearchField, type SearchField } from '../../src/search/fields.js';
import { facetTerm, formatHit, hitValue } from '../../src/search/format.js';
import { isoDate, normalizeIsoText } from '../../src/api/format.js';

function field(name: string): SearchField {
  const found = findSearchField(name);
  assert.ok(found);
  return found;
}

describe('isoDate, the one date format of the API', () => {
  it('writes microseconds and the UTC offset', () => {
    assert.equal(
      isoDate(new Date('2026-12-03T10:00:00.123Z')),
      '2026-12-03T10:00:00.123000+00:00',
    );
    assert.equal(
      isoDate(new Date('2026-12-03T10:00:00.007Z')),
      '2026-12-03T10:00:00.007000+00:00',
    );
  });

  it('leaves out a zero fraction, as Python does', () => {
    assert.equal(
      isoDate(new Date('2026-12-01T00:00:00Z')),
      '2026-12-01T00:00:00+00:00',
    );
  });
});

describe('normalizeIsoText', () => {
  it('rewrites UTC text keeping microseconds', () => {
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00.123Z'),
      '2026-12-03T10:00:00.123000+00:00',
    );
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00.123456+00:00'),
      '2026-12-03T10:00:00.123456+00:00',
    );
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00.1234567Z'),
      '2026-12-03T10:00:00.123456+00:00',
    );
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00.000Z'),
      '2026-12-03T10:00:00+00:00',
    );
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00'),
      '2026-12-03T10:00:00+00:00',
    );
  });

  it('converts other offsets to UTC', () => {
    assert.equal(
      normalizeIsoText('2026-12-03T10:00:00.5+02:00'),
      '2026-12-03T08:00:00.500000+00:00',
    );
  });

  it('returns other text unchanged', () => {
    assert.equal(normalizeIsoText('not a date'), 'not a date');
    assert.equal(normalizeIsoText('1700000000'), '1700000000');
  });
});

describe('hitValue and facetTerm', () => {
  it('formats dates, keeps other values and nulls missing ones', () => {
    const date = field('date');
    assert.equal(
      hitValue(date, new Date('2026-12-03T10:00:00.1Z')),
      '2026-12-03T10:00:00.100000+00:00',
    );
    assert.equal(
      hitValue(field('completed_datetime'), '2026-12-03T10:02:00.000Z'),
      '2026-12-03T10:02:00+00:00',
    );
    assert.equal(hitValue(field('uptime'), 12), 12);
    assert.equal(hitValue(field('success'), false), false);
    assert.deepEqual(hitValue(field('addons'), ['a', 'b']), ['a', 'b']);
    assert.equal(hitValue(field('signature'), undefined), null);
    assert.equal(hitValue(field('signature'), null), null);
  });

  it('writes boolean terms as T and F', () => {
    assert.equal(facetTerm(field('success'), true), 'T');
    assert.equal(facetTerm(field('success'), false), 'F');
    assert.equal(facetTerm(field('uptime'), 10), 10);
    assert.equal(
      facetTerm(field('date'), new Date('2026-12-01T00:00:00Z')),
      '2026-12-01T00:00:00+00:00',
    );
  });
});

describe('formatHit', () => {
  it('keys the columns by public name, in column order', () => {
    const hit = formatHit(
      [field('uuid'), field('platform'), field('build_id')],
      {
        uuid: 'id-1',
        os_name: 'Linux',
        build: '20261201093000',
        product: 'Firefox',
      },
    );
    assert.deepEqual(hit, {
      uuid: 'id-1',
      platform: 'Linux',
      build_id: '20261201093000',
    });
    assert.deepEqual(Object.keys(hit), ['uuid', 'platform', 'build_id']);
  });
});
