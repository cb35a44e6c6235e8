import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dateBuckets,
  nextBucket,
  numberBucket,
  parseDateUnit,
  truncateDate,
  type DateUnit,
} from '../../src/search/intervals.js';

const at = (text: string) => new Date(text);

describe('parseDateUnit', () => {
  it("reads Elasticsearch's calendar intervals", () => {
    assert.equal(parseDateUnit('1d'), 'day');
    assert.equal(parseDateUnit('day'), 'day');
    assert.equal(parseDateUnit('1h'), 'hour');
    assert.equal(parseDateUnit('1w'), 'week');
    assert.equal(parseDateUnit('1m'), 'minute');
    assert.equal(parseDateUnit('1M'), 'month');
    assert.equal(parseDateUnit('1q'), 'quarter');
    assert.equal(parseDateUnit('1y'), 'year');
  });

  it('refuses other spellings', () => {
    for (const text of ['2d', 'days', '1D', '', 'toString', 'constructor']) {
      assert.equal(parseDateUnit(text), undefined, text);
    }
  });
});

describe('truncateDate and nextBucket', () => {
  const date = at('2026-11-18T13:47:21.500Z'); // a Wednesday
  const cases: [DateUnit, string, string][] = [
    ['minute', '2026-11-18T13:47:00.000Z', '2026-11-18T13:48:00.000Z'],
    ['hour', '2026-11-18T13:00:00.000Z', '2026-11-18T14:00:00.000Z'],
    ['day', '2026-11-18T00:00:00.000Z', '2026-11-19T00:00:00.000Z'],
    ['week', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
    ['month', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['quarter', '2026-10-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['year', '2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ];
  for (const [unit, start, next] of cases) {
    it(`cuts by ${unit}`, () => {
      const truncated = truncateDate(date, unit);
      assert.equal(truncated.toISOString(), start);
      assert.equal(nextBucket(truncated, unit).toISOString(), next);
    });
  }

  it('starts weeks on Monday, Sunday included in the week before', () => {
    assert.equal(
      truncateDate(at('2026-11-22T23:00:00Z'), 'week').toISOString(),
      '2026-11-16T00:00:00.000Z',
    );
    assert.equal(
      truncateDate(at('2026-11-23T00:00:00Z'), 'week').toISOString(),
      '2026-11-23T00:00:00.000Z',
    );
  });

  it('does not change its argument', () => {
    const original = at('2026-11-18T13:47:21.500Z');
    truncateDate(original, 'day');
    nextBucket(original, 'month');
    assert.equal(original.toISOString(), '2026-11-18T13:47:21.500Z');
  });
});

describe('dateBuckets', () => {
  it('covers both ends', () => {
    const buckets = dateBuckets(
      at('2026-12-01T12:00:00Z'),
      at('2026-12-03T00:00:00Z'),
      'day',
      10,
    );
    assert.deepEqual(
      buckets?.map((b) => [b.start.toISOString(), b.end.toISOString()]),
      [
        ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
        ['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z'],
        ['2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z'],
      ],
    );
  });

  it('gives up past the maximum', () => {
    const from = at('2026-12-01T00:00:00Z');
    const to = at('2026-12-03T23:00:00Z');
    assert.equal(dateBuckets(from, to, 'day', 3)?.length, 3);
    assert.equal(dateBuckets(from, to, 'day', 2), undefined);
  });

  it('is empty when the range is', () => {
    assert.deepEqual(
      dateBuckets(
        at('2026-12-03T00:00:00Z'),
        at('2026-12-01T00:00:00Z'),
        'day',
        5,
      ),
      [],
    );
  });
});

describe('numberBucket', () => {
  it('floors to a multiple of the width', () => {
    assert.equal(numberBucket(0, 10), 0);
    assert.equal(numberBucket(19.9, 10), 10);
    assert.equal(numberBucket(20, 10), 20);
    assert.equal(numberBucket(-1, 10), -10);
    assert.equal(numberBucket(7, 1), 7);
    assert.equal(numberBucket(1.5, 1), 1);
  });
});
