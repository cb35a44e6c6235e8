/**
 * Computes the facets of a search with queries FerretDB v1 and MongoDB
 * both run: `$match` + `$group` on plain field paths, counts, and sorted
 * finds. FerretDB v1 has no `$facet`, no date or arithmetic expressions and
 * an `$unwind` that drops the other fields, so:
 *   - each facet runs one `$group` by the raw values along its path, and
 *     arrays, number buckets and sub-buckets are worked out in code
 *     (buckets.ts);
 *   - a date histogram runs its queries once per bucket, with the bucket's
 *     range added to the filter;
 *   - a sub-facet's query keeps only documents in its parents' selected
 *     terms (`$in`), so it returns rows for those buckets alone.
 */
import type { Document } from 'mongodb';
import { badRequest } from '../api/errors.js';
import { FacetRows, type Bucket, type FacetRow } from './buckets.js';
import type { FacetNode, HistogramFacet } from './facet-spec.js';
import type { SearchField } from './fields.js';
import { allOf, rangeCondition } from './filters.js';
import { facetTerm } from './format.js';
import {
  dateBuckets,
  nextBucket,
  type DateBucket,
  type DateInterval,
} from './intervals.js';
import type { SearchRunner } from './runner.js';

/** Most buckets one date histogram may have. */
export const MAX_HISTOGRAM_BUCKETS = 1000;

/** Queries of one facet run at the same time. */
const CONCURRENCY = 4;

/** What the facets of one search are computed from. */
export interface FacetContext {
  readonly runner: SearchRunner;
  /** The search filter. */
  readonly filter: Document;
  /** Span of the `date` filter, the bounds of `date` histograms. */
  readonly dateRange: { readonly from: Date; readonly to: Date };
  /** Terms buckets per facet. */
  readonly size: number;
}

/** A facet of the path above the one being fetched, with its buckets. */
interface Step {
  readonly node: FacetNode;
  /** Selected bucket values, by bucket key. */
  readonly selected: ReadonlyMap<string, unknown>;
}

/** The date ranges one query of a date-histogram path covers. */
type Combination = ReadonlyMap<number, DateBucket>;

/** A histogram of a datetime field. */
type DateHistogram = HistogramFacet & {
  readonly interval: { readonly kind: 'date' } & DateInterval;
};

function isDateHistogram(node: FacetNode): node is DateHistogram {
  return node.kind === 'histogram' && node.interval.kind === 'date';
}

function bucketRange(field: SearchField, bucket: DateBucket): Document {
  return {
    [field.storedName]: {
      ...rangeCondition(field, '>=', bucket.start),
      ...rangeCondition(field, '<', bucket.end),
    },
  };
}

/** Runs `task` on every item, at most `limit` at a time. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/**
 * Every combination of one bucket per date-histogram position, leaving out
 * those whose ranges on the same field do not overlap.
 */
function combinations(
  loops: readonly (readonly [number, SearchField, readonly DateBucket[]])[],
): Combination[] {
  let result: Map<number, DateBucket>[] = [new Map<number, DateBucket>()];
  for (const [position, field, buckets] of loops) {
    const grown: Map<number, DateBucket>[] = [];
    for (const combination of result) {
      for (const bucket of buckets) {
        const overlaps = loops.every(
          ([other, otherField]) =>
            otherField !== field ||
            !combination.has(other) ||
            overlap(combination.get(other) as DateBucket, bucket),
        );
        if (overlaps) {
          grown.push(new Map(combination).set(position, bucket));
        }
      }
    }
    result = grown;
  }
  return result;
}

function overlap(a: DateBucket, b: DateBucket): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The buckets a date histogram above kept, by their starts. */
function selectedBuckets(
  node: DateHistogram,
  selected: ReadonlyMap<string, unknown>,
): DateBucket[] {
  return [...selected.values()].map((start) => ({
    start: start as Date,
    end: nextBucket(start as Date, node.interval),
  }));
}

/** Computes the facet tree of one search. */
export class FacetEngine {
  private readonly rows = new Map<FacetNode, FacetRows>();

  constructor(private readonly context: FacetContext) {}

  /** The `facets` object of the response. */
  async run(roots: readonly FacetNode[]): Promise<Record<string, unknown>> {
    await this.collect(roots, [], [[]]);
    return this.build(roots, []);
  }

  /** Fetches the rows of each facet, parents before children. */
  private async collect(
    nodes: readonly FacetNode[],
    ancestors: readonly Step[],
    prefixes: readonly (readonly string[])[],
  ): Promise<void> {
    for (const node of nodes) {
      const path = [...ancestors.map((step) => step.node), node];
      this.rows.set(
        node,
        new FacetRows(path, await this.fetch(node, ancestors)),
      );
      if (node.kind === 'cardinality' || node.children.length === 0) {
        continue;
      }
      const selected = new Map<string, unknown>();
      const next: string[][] = [];
      for (const prefix of prefixes) {
        for (const bucket of this.buckets(node, prefix)) {
          selected.set(bucket.key, bucket.value);
          next.push([...prefix, bucket.key]);
        }
      }
      await this.collect(
        node.children,
        [...ancestors, { node, selected }],
        next,
      );
    }
  }

  private facetRows(node: FacetNode): FacetRows {
    const rows = this.rows.get(node);
    if (rows === undefined) {
      throw new Error(`No rows were fetched for facet ${node.key}`);
    }
    return rows;
  }

  private buckets(node: FacetNode, prefix: readonly string[]): Bucket[] {
    return this.facetRows(node).buckets(prefix, this.context.size);
  }

  /** Formats the facets under the parent buckets `prefix`. */
  private build(
    nodes: readonly FacetNode[],
    prefix: readonly string[],
  ): Record<string, unknown> {
    const facets: Record<string, unknown> = {};
    for (const node of nodes) {
      if (node.kind === 'cardinality') {
        facets[node.key] = { value: this.facetRows(node).distinct(prefix) };
        continue;
      }
      facets[node.key] = this.buckets(node, prefix).map((bucket) => ({
        term: facetTerm(node.field, bucket.value),
        count: bucket.count,
        ...(node.children.length > 0
          ? { facets: this.build(node.children, [...prefix, bucket.key]) }
          : {}),
      }));
    }
    return facets;
  }

  /** Conditions keeping documents inside the parents' selected buckets. */
  private restrictions(ancestors: readonly Step[]): Document[] {
    const conditions: Document[] = [];
    for (const { node, selected } of ancestors) {
      const stored = node.field.storedName;
      if (node.kind === 'terms') {
        conditions.push({ [stored]: { $in: [...selected.values()] } });
      } else if (node.kind === 'histogram' && node.interval.kind === 'number') {
        // One width of margin on each side: rows outside the selected
        // buckets are dropped in code, and rounding cannot lose any.
        const starts = [...selected.values()] as number[];
        const width = node.interval.width;
        conditions.push({
          [stored]: {
            $gte: Math.min(...starts) - width,
            $lt: Math.max(...starts) + 2 * width,
          },
        });
      }
    }
    return conditions;
  }

  /** The rows of the path ending at `node`. */
  private async fetch(
    node: FacetNode,
    ancestors: readonly Step[],
  ): Promise<FacetRow[]> {
    if (ancestors.some((step) => step.selected.size === 0)) {
      return [];
    }
    const path = [...ancestors.map((step) => step.node), node];
    const loops: [number, SearchField, DateBucket[]][] = [];
    // LIMITATION: FerretDB v1 has no date expressions ($dateTrunc), so a
    // date histogram runs its queries once per bucket (up to
    // MAX_HISTOGRAM_BUCKETS), each scanning its own range. See
    // docs/limitations.md.
    for (const [position, { node: above, selected }] of ancestors.entries()) {
      if (isDateHistogram(above)) {
        loops.push([position, above.field, selectedBuckets(above, selected)]);
      }
    }
    if (isDateHistogram(node)) {
      loops.push([path.length - 1, node.field, await this.dateBucketsOf(node)]);
    }
    const queries = combinations(loops);
    this.context.runner.reserve(queries.length);
    const base = [this.context.filter, ...this.restrictions(ancestors)];
    const rows: FacetRow[] = [];
    await forEachLimited(queries, CONCURRENCY, async (combination) => {
      const ranges = [...combination].map(([position, bucket]) =>
        bucketRange((path[position] as FacetNode).field, bucket),
      );
      const found = await this.query(path, allOf([...base, ...ranges]));
      for (const row of found) {
        const values = path.map(
          (_, i) => combination.get(i)?.start ?? row.values[i],
        );
        rows.push({ values, count: row.count });
      }
    });
    return rows;
  }

  /** Counts documents per combination of the path's grouped values. */
  private async query(
    path: readonly FacetNode[],
    filter: Document,
  ): Promise<FacetRow[]> {
    const keys: Record<string, string> = {};
    for (const [i, node] of path.entries()) {
      if (!isDateHistogram(node)) {
        keys[`k${i}`] = node.field.storedName;
      }
    }
    const { runner, size } = this.context;
    if (Object.keys(keys).length === 0) {
      const count = await runner.count(filter);
      return count > 0 ? [{ values: [], count }] : [];
    }
    const root = path[0] as FacetNode;
    if (
      path.length === 1 &&
      root.kind === 'terms' &&
      root.field.type !== 'array'
    ) {
      // A top-level terms facet on single values needs only its largest
      // groups; missing values are left out so they take no place.
      const present = allOf([
        filter,
        { [root.field.storedName]: { $ne: null } },
      ]);
      const rows = await runner.group(present, keys, size);
      return rows.map((row) => ({ values: [row.id.k0], count: row.count }));
    }
    // LIMITATION: nested facets, cardinalities and histograms on numbers
    // fetch one row per distinct combination of values, where MongoDB
    // alone could cut them with $facet and $unwind (which FerretDB v1
    // lacks or breaks). See docs/limitations.md.
    const rows = await runner.group(filter, keys);
    return rows.map((row) => ({
      values: path.map((_, i) => row.id[`k${i}`]),
      count: row.count,
    }));
  }

  /**
   * The buckets a date histogram may fill: over the search's date range
   * for `date`, else from the oldest to the newest value found.
   */
  private async dateBucketsOf(node: DateHistogram): Promise<DateBucket[]> {
    const bounds =
      node.field.name === 'date'
        ? this.context.dateRange
        : await this.valueBounds(node.field);
    if (bounds === undefined) {
      return [];
    }
    const buckets = dateBuckets(
      bounds.from,
      bounds.to,
      node.interval,
      MAX_HISTOGRAM_BUCKETS,
    );
    if (buckets === undefined) {
      throw badRequest(
        `The histogram of '${node.field.name}' would have more than ` +
          `${MAX_HISTOGRAM_BUCKETS} buckets: use a larger ` +
          `_histogram_interval.${node.field.name}`,
      );
    }
    return buckets;
  }

  /** The oldest and newest value of a datetime field in the search. */
  private async valueBounds(
    field: SearchField,
  ): Promise<{ from: Date; to: Date } | undefined> {
    const stored = field.storedName;
    const filter = allOf([
      this.context.filter,
      { [stored]: { $type: field.dateStorage === 'bson' ? 'date' : 'string' } },
    ]);
    this.context.runner.reserve(2);
    const edge = async (order: 1 | -1): Promise<Date | undefined> => {
      const [doc] = await this.context.runner.find(filter, {
        sort: { [stored]: order },
        skip: 0,
        limit: 1,
        projection: { _id: 0, [stored]: 1 },
      });
      const value: unknown = doc?.[stored];
      const date =
        value instanceof Date
          ? value
          : new Date(typeof value === 'string' ? value : NaN);
      return Number.isNaN(date.getTime()) ? undefined : date;
    };
    const from = await edge(1);
    const to = await edge(-1);
    return from && to ? { from, to } : undefined;
  }
}
