import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bucketKey,
  bucketValues,
  compareValues,
  FacetRows,
} from '../../src/search/buckets.js';
import type { FacetNode } from '../../src/search/facet-spec.js';
import { findSearchField, type SearchField } from '../../src/search/fields.js';

function field(name: string): SearchField {
  const found = findSearchField(name);
  assert.ok(found);
  return found;
}

const terms = (name: string, children: FacetNode[] = []): FacetNode => ({
  kind: 'terms',
  key: name,
  field: field(name),
  children,
});
const uptimeHistogram: FacetNode = {
  kind: 'histogram',
  key: 'histogram_uptime',
  field: field('uptime'),
  interval: { kind: 'number', width: 10 },
  children: [],
};
const cardinality: FacetNode = {
  kind: 'cardinality',
  key: 'cardinality_platform',
  field: field('platform'),
};

describe('bucketKey', () => {
  it('tells types apart', () => {
    const keys = ['1', 1, true, 'true', new Date(0), null].map((v) =>
      bucketKey(v),
    );
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(bucketKey(new Date(5)), bucketKey(new Date(5)));
  });
});

describe('bucketValues', () => {
  it('gives one bucket per distinct array element', () => {
    const values = bucketValues(terms('addons'), ['a', 'b', 'a', null]);
    assert.deepEqual(
      values.map((v) => v.value),
      ['a', 'b'],
    );
  });

  it('gives no bucket for missing values and empty arrays', () => {
    assert.deepEqual(bucketValues(terms('product'), undefined), []);
    assert.deepEqual(bucketValues(terms('product'), null), []);
    assert.deepEqual(bucketValues(terms('addons'), []), []);
  });

  it('cuts numbers into histogram buckets, ignoring non-numbers', () => {
    assert.deepEqual(
      bucketValues(uptimeHistogram, 27).map((v) => v.value),
      [20],
    );
    assert.deepEqual(bucketValues(uptimeHistogram, '27'), []);
  });
});

describe('compareValues', () => {
  it('orders numbers numerically and text by code unit', () => {
    assert.ok(compareValues(2, 10) < 0);
    assert.ok(compareValues('10', '2') < 0);
    assert.ok(compareValues('B', 'a') < 0);
    assert.equal(compareValues('x', 'x'), 0);
    assert.ok(compareValues(new Date(1), new Date(2)) < 0);
    assert.ok(compareValues(false, true) < 0);
  });

  it('puts numbers before text', () => {
    assert.ok(compareValues(99, 'a') < 0);
    assert.ok(compareValues('a', 99) > 0);
  });
});

describe('FacetRows', () => {
  const rows = [
    { values: ['Firefox', 'Linux'], count: 3 },
    { values: ['Firefox', 'Windows NT'], count: 3 },
    { values: ['Fenix', 'Android'], count: 5 },
    { values: ['Firefox', undefined], count: 4 },
    { values: ['Thunderbird', 'Linux'], count: 1 },
  ];
  const products = new FacetRows(
    [terms('product')],
    rows.map((row) => ({ values: row.values.slice(0, 1), count: row.count })),
  );
  const platforms = new FacetRows([terms('product'), terms('platform')], rows);
  const pairs = (list: { value: unknown; count: number }[]) =>
    list.map((b) => [b.value, b.count]);

  it('sums counts per term, largest first, ties by term', () => {
    assert.deepEqual(pairs(products.buckets([], 10)), [
      ['Firefox', 10],
      ['Fenix', 5],
      ['Thunderbird', 1],
    ]);
  });

  it('keeps the size largest', () => {
    assert.deepEqual(
      products.buckets([], 2).map((b) => b.value),
      ['Firefox', 'Fenix'],
    );
  });

  it('counts sub-buckets under one parent bucket', () => {
    assert.deepEqual(pairs(platforms.buckets([bucketKey('Firefox')], 10)), [
      ['Linux', 3],
      ['Windows NT', 3],
    ]);
    assert.deepEqual(pairs(platforms.buckets([bucketKey('Nope')], 10)), []);
  });

  it('needs one parent bucket per level above', () => {
    assert.throws(() => platforms.buckets([], 10), /Expected 1 parent buckets/);
  });

  it('counts a document once per element of an array parent', () => {
    const arrayRows = [
      { values: [['a', 'b'], 'Firefox'], count: 2 },
      { values: [['b'], 'Fenix'], count: 1 },
      { values: [[], 'Focus'], count: 7 },
    ];
    const top = new FacetRows(
      [terms('addons')],
      arrayRows.map((row) => ({
        values: row.values.slice(0, 1),
        count: row.count,
      })),
    );
    assert.deepEqual(pairs(top.buckets([], 10)), [
      ['b', 3],
      ['a', 2],
    ]);
    const nested = new FacetRows(
      [terms('addons'), terms('product')],
      arrayRows,
    );
    assert.deepEqual(pairs(nested.buckets([bucketKey('b')], 10)), [
      ['Firefox', 2],
      ['Fenix', 1],
    ]);
    assert.deepEqual(pairs(nested.buckets([bucketKey('a')], 10)), [
      ['Firefox', 2],
    ]);
  });

  it('orders histogram buckets by key and keeps all of them', () => {
    const histogram = new FacetRows(
      [uptimeHistogram],
      [
        { values: [35], count: 1 },
        { values: [5], count: 2 },
        { values: [31], count: 4 },
        { values: [undefined], count: 9 },
      ],
    );
    assert.deepEqual(pairs(histogram.buckets([], 1)), [
      [0, 2],
      [30, 5],
    ]);
  });

  it('counts distinct values under a parent bucket', () => {
    const distinct = new FacetRows(
      [terms('product'), cardinality],
      [
        { values: ['Firefox', 'Linux'], count: 3 },
        { values: ['Firefox', 'Windows NT'], count: 1 },
        { values: ['Fenix', 'Linux'], count: 5 },
        { values: ['Fenix', undefined], count: 5 },
      ],
    );
    assert.equal(distinct.distinct([bucketKey('Firefox')]), 2);
    assert.equal(distinct.distinct([bucketKey('Fenix')]), 1);
    assert.equal(distinct.distinct([bucketKey('Nope')]), 0);
  });
});
