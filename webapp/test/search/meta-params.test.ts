import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS } from '../../src/auth/permissions.js';
import {
  parseColumns,
  parseCount,
  parseFlag,
  parseSort,
  singleValue,
} from '../../src/search/meta-params.js';
import { assertInvalid } from './support/errors.js';

const access = { principal: ANONYMOUS, unredacted: false };
const names = (fields: readonly { name: string }[]) =>
  fields.map((f) => f.name);

describe('parseColumns', () => {
  it("defaults to Socorro's five columns", () => {
    const defaults = ['uuid', 'date', 'signature', 'product', 'version'];
    assert.deepEqual(names(parseColumns(undefined, access)), defaults);
    assert.deepEqual(names(parseColumns([''], access)), defaults);
  });

  it('keeps the given order without repeats', () => {
    assert.deepEqual(
      names(parseColumns(['platform', 'uuid', 'platform'], access)),
      ['platform', 'uuid'],
    );
  });

  it('refuses unknown and protected fields', () => {
    assertInvalid(
      () => parseColumns(['nope'], access),
      '_columns',
      "Unknown field 'nope'",
    );
    assertInvalid(
      () => parseColumns(['uuid', 'url'], access),
      '_columns',
      "Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
    );
  });
});

describe('parseSort', () => {
  it('defaults to the newest date first', () => {
    const [key, ...rest] = parseSort(undefined, access);
    assert.equal(key?.field.name, 'date');
    assert.equal(key?.descending, true);
    assert.equal(rest.length, 0);
  });

  it('reads - as descending and keeps the first key of a field', () => {
    const keys = parseSort(['product', '-uptime', '-product'], access);
    assert.deepEqual(
      keys.map((k) => [k.field.name, k.descending]),
      [
        ['product', false],
        ['uptime', true],
      ],
    );
  });

  it('refuses unknown and protected fields', () => {
    assertInvalid(
      () => parseSort(['-nope'], access),
      '_sort',
      "Unknown field 'nope'",
    );
    assertInvalid(
      () => parseSort(['user_comments'], access),
      '_sort',
      "Field 'user_comments' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
    );
  });
});

describe('parseCount', () => {
  const rule = { defaultValue: 100, max: 1000 };

  it('reads whole numbers within bounds, with a default', () => {
    assert.equal(parseCount('_n', undefined, rule), 100);
    assert.equal(parseCount('_n', [''], rule), 100);
    assert.equal(parseCount('_n', ['0'], rule), 0);
    assert.equal(parseCount('_n', ['1000'], rule), 1000);
  });

  it('refuses other values', () => {
    assertInvalid(
      () => parseCount('_n', ['ten'], rule),
      '_n',
      "'ten' is not a whole number",
    );
    assertInvalid(
      () => parseCount('_n', ['2.5'], rule),
      '_n',
      "'2.5' is not a whole number",
    );
    assertInvalid(
      () => parseCount('_n', ['-1'], rule),
      '_n',
      '_n cannot be negative',
    );
    assertInvalid(
      () => parseCount('_n', ['1001'], rule),
      '_n',
      '_n cannot be greater than 1,000',
    );
    assertInvalid(
      () => parseCount('_n', ['1', '2'], rule),
      '_n',
      'Expects a single value',
    );
  });
});

describe('parseFlag and singleValue', () => {
  it('reads booleans, false by default', () => {
    assert.equal(parseFlag('_f', undefined), false);
    assert.equal(parseFlag('_f', ['true']), true);
    assert.equal(parseFlag('_f', ['0']), false);
    assertInvalid(
      () => parseFlag('_f', ['sometimes']),
      '_f',
      "'sometimes' is not a boolean (true or false)",
    );
  });

  it('ignores empty values when counting', () => {
    assert.equal(singleValue('_x', ['', 'a', '']), 'a');
    assert.equal(singleValue('_x', []), undefined);
  });
});
