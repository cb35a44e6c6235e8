/**
 * Runs the database operations of one search within its time limit. Each
 * operation gets the time left as `maxTimeMS`, so a search that needs
 * several queries still ends within the limit; and the number of queries
 * one search may run is capped. Server errors caused by the query (a time
 * limit reached, a regular expression the server refuses) become 400s.
 */
import { MongoServerError, type Collection, type Document } from 'mongodb';
import { badRequest } from '../api/errors.js';

/** Most database queries one search may run (histogram buckets count). */
export const MAX_QUERIES_PER_SEARCH = 2000;

/** MongoDB's `MaxTimeMSExpired`. */
const MAX_TIME_EXPIRED = 50;
/** MongoDB's code for a regular expression PCRE cannot compile. */
const INVALID_REGEX = 51091;

const TIMED_OUT =
  'Search query timed out. Simplify the search pattern and try again.';

/** One row of a `$group`: the group's key parts and its document count. */
export interface GroupRow {
  readonly id: Readonly<Record<string, unknown>>;
  readonly count: number;
}

/** Options of {@link SearchRunner.find}. */
export interface FindOptions {
  readonly sort: Document;
  readonly skip: number;
  readonly limit: number;
  readonly projection: Document;
}

/** Turns errors the query caused into 400s; rethrows the others. */
export function queryError(error: unknown): unknown {
  if (!(error instanceof MongoServerError)) {
    return error;
  }
  if (error.code === MAX_TIME_EXPIRED) {
    return badRequest(TIMED_OUT);
  }
  if (error.code === INVALID_REGEX) {
    return badRequest(`Invalid regular expression: ${error.message}`);
  }
  return error;
}

/** Database access for one search. */
export class SearchRunner {
  private readonly deadline: number;
  private queries = 0;

  constructor(
    private readonly collection: Collection,
    maxTimeMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.deadline = clock() + maxTimeMs;
  }

  /**
   * Reserves `count` queries, or throws a 400 when the search would pass
   * {@link MAX_QUERIES_PER_SEARCH}.
   */
  reserve(count: number): void {
    this.queries += count;
    if (this.queries > MAX_QUERIES_PER_SEARCH) {
      throw badRequest(
        `The aggregations need more than ${MAX_QUERIES_PER_SEARCH} ` +
          'database queries: narrow the date range, use a larger histogram ' +
          'interval or fewer nested histograms',
      );
    }
  }

  /** Milliseconds left; throws the time-out 400 when none are. */
  private maxTimeMS(): number {
    const left = Math.floor(this.deadline - this.clock());
    if (left <= 0) {
      throw badRequest(TIMED_OUT);
    }
    return left;
  }

  private async run<T>(
    operation: (maxTimeMS: number) => Promise<T>,
  ): Promise<T> {
    try {
      return await operation(this.maxTimeMS());
    } catch (error) {
      throw queryError(error);
    }
  }

  count(filter: Document): Promise<number> {
    return this.run((maxTimeMS) =>
      this.collection.countDocuments(filter, { maxTimeMS }),
    );
  }

  find(filter: Document, options: FindOptions): Promise<Document[]> {
    return this.run((maxTimeMS) =>
      this.collection.find(filter, { ...options, maxTimeMS }).toArray(),
    );
  }

  /**
   * Counts documents per distinct combination of `keys` (name to stored
   * field). A key whose field is missing is absent from the row's `id`.
   * With `top`, only the `top` largest groups come back, ties ordered by
   * the keys.
   */
  group(
    filter: Document,
    keys: Readonly<Record<string, string>>,
    top?: number,
  ): Promise<GroupRow[]> {
    const names = Object.keys(keys);
    const id = Object.fromEntries(
      names.map((name) => [name, `$${keys[name]}`]),
    );
    const pipeline: Document[] = [
      { $match: filter },
      { $group: { _id: id, count: { $sum: 1 } } },
    ];
    if (top !== undefined) {
      const order = Object.fromEntries(names.map((name) => [`_id.${name}`, 1]));
      pipeline.push({ $sort: { count: -1, ...order } }, { $limit: top });
    }
    return this.run(async (maxTimeMS) => {
      const rows = await this.collection
        .aggregate<{
          _id: Record<string, unknown> | null;
          count: number;
        }>(pipeline, { maxTimeMS })
        .toArray();
      return rows.map((row) => ({ id: row._id ?? {}, count: row.count }));
    });
  }
}
