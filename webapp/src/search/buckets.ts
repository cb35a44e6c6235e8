/**
 * Facet buckets computed from grouped rows. The database counts documents
 * per distinct combination of the values along a facet's path (a terms
 * facet, then its sub-facet, ...); the buckets are cut here: arrays give a
 * bucket per element, numbers fall into histogram buckets, and a path's
 * rows are narrowed to those under one parent bucket.
 */
import type { FacetNode } from './facet-spec.js';
import { numberBucket } from './intervals.js';

/** Counted documents sharing one value per path position. */
export interface FacetRow {
  /**
   * One raw value per position of the path: the stored value, or for a
   * date histogram the start of the bucket the documents fell in.
   */
  readonly values: readonly unknown[];
  readonly count: number;
}

/** A bucket value with its canonical key, for comparing across types. */
export interface KeyedValue {
  readonly key: string;
  readonly value: unknown;
}

/** A row with the bucket values of each position worked out. */
export interface PreparedRow {
  readonly positions: readonly (readonly KeyedValue[])[];
  readonly count: number;
}

/** One facet bucket before formatting. */
export interface Bucket extends KeyedValue {
  readonly count: number;
}

/** A canonical text for a bucket value, distinct across types. */
export function bucketKey(value: unknown): string {
  if (value instanceof Date) {
    return `d:${value.getTime()}`;
  }
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
      return `n:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      return `j:${JSON.stringify(value)}`;
  }
}

function distinct(values: readonly unknown[]): KeyedValue[] {
  const seen = new Map<string, unknown>();
  for (const value of values) {
    if (value !== null && value !== undefined) {
      seen.set(bucketKey(value), value);
    }
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

/** The buckets a raw value counts in, at a position held by `node`. */
export function bucketValues(node: FacetNode, raw: unknown): KeyedValue[] {
  const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (node.kind !== 'histogram' || node.interval.kind === 'date') {
    return distinct(values);
  }
  const width = node.interval.width;
  return distinct(
    values
      .filter((v): v is number => typeof v === 'number')
      .map((v) => numberBucket(v, width)),
  );
}

/** Works out the bucket values of every position of a path's rows. */
export function prepareRows(
  path: readonly FacetNode[],
  rows: readonly FacetRow[],
): PreparedRow[] {
  return rows.map((row) => ({
    count: row.count,
    positions: path.map((node, i) => bucketValues(node, row.values[i])),
  }));
}

function typeRank(value: unknown): number {
  if (typeof value === 'number') {
    return 0;
  }
  if (typeof value === 'string') {
    return 1;
  }
  if (typeof value === 'boolean') {
    return 2;
  }
  return value instanceof Date ? 3 : 4;
}

/** Orders bucket values: numbers, then text, booleans and dates. */
export function compareValues(a: unknown, b: unknown): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) {
    return rank;
  }
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (typeof x === 'number' && typeof y === 'number') {
    return x - y;
  }
  const [p, q] = [String(x), String(y)];
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Every combination of one bucket key per position before `depth`. */
function parentKeys(row: PreparedRow, depth: number): string[][] {
  let prefixes: string[][] = [[]];
  for (const values of row.positions.slice(0, depth)) {
    prefixes = prefixes.flatMap((prefix) =>
      values.map((value) => [...prefix, value.key]),
    );
  }
  return prefixes;
}

/**
 * The rows of one facet path, indexed by the parent buckets they count
 * under, so that each parent bucket finds its rows at once.
 */
export class FacetRows {
  private readonly node: FacetNode;
  private readonly depth: number;
  private readonly byParent = new Map<string, PreparedRow[]>();

  constructor(path: readonly FacetNode[], rows: readonly FacetRow[]) {
    const node = path[path.length - 1];
    if (node === undefined) {
      throw new Error('A facet path has at least one facet');
    }
    this.node = node;
    this.depth = path.length - 1;
    for (const row of prepareRows(path, rows)) {
      for (const prefix of parentKeys(row, this.depth)) {
        const key = JSON.stringify(prefix);
        const list = this.byParent.get(key) ?? [];
        list.push(row);
        this.byParent.set(key, list);
      }
    }
  }

  private under(prefix: readonly string[]): readonly PreparedRow[] {
    if (prefix.length !== this.depth) {
      throw new Error(`Expected ${this.depth} parent buckets`);
    }
    return this.byParent.get(JSON.stringify(prefix)) ?? [];
  }

  /**
   * The buckets under the parent buckets `prefix`. Terms: the `size`
   * largest, by count and then by value; histograms: every non-empty
   * bucket, in order.
   */
  buckets(prefix: readonly string[], size: number): Bucket[] {
    const counts = new Map<string, { value: unknown; count: number }>();
    for (const row of this.under(prefix)) {
      for (const { key, value } of row.positions[this.depth] ?? []) {
        const bucket = counts.get(key) ?? { value, count: 0 };
        bucket.count += row.count;
        counts.set(key, bucket);
      }
    }
    const buckets = [...counts].map(([key, b]) => ({ key, ...b }));
    if (this.node.kind === 'histogram') {
      return buckets.sort((a, b) => compareValues(a.value, b.value));
    }
    return buckets
      .sort((a, b) => b.count - a.count || compareValues(a.value, b.value))
      .slice(0, size);
  }

  /** The number of distinct values under the parent buckets `prefix`. */
  distinct(prefix: readonly string[]): number {
    const keys = new Set<string>();
    for (const row of this.under(prefix)) {
      for (const { key } of row.positions[this.depth] ?? []) {
        keys.add(key);
      }
    }
    return keys.size;
  }
}
