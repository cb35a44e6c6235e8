import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectId } from 'mongodb';
import { originalKeys, storableKeys } from '@crashstats/common';

describe('storableKeys and originalKeys', () => {
  it('escapes what a MongoDB-wire server refuses, and only that', () => {
    const sent = {
      ProductName: 'Firefox',
      'a.b': 1,
      $top: 2,
      mid$dle: 3,
      'per%cent': 4,
      'nul\u0000key': 5,
      nested: { 'uBlock0@raymondhill.net': { version: '1.0' }, $ref: 'x' },
      list: [{ 'x.y': true }, 'plain', 7],
    };
    const stored = storableKeys(sent);
    assert.deepEqual(stored, {
      ProductName: 'Firefox',
      'a%2Eb': 1,
      '%24top': 2,
      mid$dle: 3,
      'per%25cent': 4,
      'nul%00key': 5,
      nested: {
        'uBlock0@raymondhill%2Enet': { version: '1.0' },
        '%24ref': 'x',
      },
      list: [{ 'x%2Ey': true }, 'plain', 7],
    });
    assert.deepEqual(originalKeys(stored), sent);
  });

  it('round-trips names that look escaped already', () => {
    const sent = { '%2E': 1, '%252E': 2, '%': 3, '%24x': 4, '%zz': 5 };
    const stored = storableKeys(sent);
    assert.deepEqual(Object.keys(stored), [
      '%252E',
      '%25252E',
      '%25',
      '%2524x',
      '%25zz',
    ]);
    assert.deepEqual(originalKeys(stored), sent);
  });

  it('keeps the order of keys, and a key named __proto__ as a key', () => {
    const sent = JSON.parse(
      '{"z.1": 1, "a": 2, "__proto__": {"m.n": 3}}',
    ) as Record<string, unknown>;
    const stored = storableKeys(sent);
    assert.deepEqual(Object.keys(stored), ['z%2E1', 'a', '__proto__']);
    assert.equal(Object.getPrototypeOf(stored), Object.prototype);
    const back = originalKeys(stored);
    assert.deepEqual(Object.keys(back), ['z.1', 'a', '__proto__']);
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(back, '__proto__')?.value,
      {
        'm.n': 3,
      },
    );
  });

  it('returns what needs no change as it is, and leaves dates and ids alone', () => {
    const date = new Date('2026-12-04T00:00:00Z');
    const id = new ObjectId();
    const doc = { a: { b: [1, { c: date }] }, d: id, e: null };
    assert.equal(storableKeys(doc), doc);
    assert.equal(originalKeys(doc), doc);
    const mixed = { keep: { same: 1 }, 'x.y': { d: date, id } };
    const stored = storableKeys(mixed);
    assert.equal(stored.keep, mixed.keep, 'an unchanged branch is shared');
    const moved = (
      stored as unknown as Record<string, { d: Date; id: ObjectId }>
    )['x%2Ey'];
    assert.equal(moved?.d, date);
    assert.equal(moved?.id, id);
    assert.equal(storableKeys('text'), 'text');
    assert.equal(storableKeys(null), null);
  });
});
