/**
 * Super Search over processed crashes: checks the query, finds the hits,
 * counts them and computes the facets, in Socorro's response shape.
 */
import { Collections, originalKeys } from '@crashstats/common';
import type { Db, Document } from 'mongodb';
import type { Principal } from '../auth/permissions.js';
import { FacetEngine } from './aggregations.js';
import type { SearchField } from './fields.js';
import { searchFilter } from './filters.js';
import { formatHit } from './format.js';
import type { SortKey } from './meta-params.js';
import { parseSearchRequest, type SearchQuery } from './params.js';
import { SearchRunner } from './runner.js';

/** What a search needs besides its query. */
export interface SuperSearchOptions {
  /** The CrashStats database. */
  db: Db;
  principal: Principal;
  /**
   * False for SuperSearch (protected fields are refused), true for
   * SuperSearchUnredacted (allowed when the principal holds `view_pii`).
   */
  unredacted: boolean;
  /** Time limit of the whole search on the database. */
  maxTimeMs: number;
  /** The current time; the default date range ends there. */
  now?: () => Date;
}

/** The MongoDB query a search would run, answered for `_return_query`. */
export interface SuperSearchQueryEcho {
  collection: string;
  filter: Document;
  sort: Document;
  skip: number;
  limit: number;
  projection: Document;
}

/** Socorro's response: hits, their total, facets and (always no) errors. */
export interface SuperSearchResult {
  hits: Record<string, unknown>[];
  total: number;
  facets: Record<string, unknown>;
  errors: unknown[];
  /** Set only for `_return_query=true`, when nothing is run. */
  query?: SuperSearchQueryEcho;
}

/** Sort keys, then the crash id so that pages never overlap. */
function sortDocument(keys: readonly SortKey[]): Document {
  const sort: Document = {};
  for (const { field, descending } of keys) {
    sort[field.storedName] = descending ? -1 : 1;
  }
  sort._id ??= 1;
  return sort;
}

function projectionOf(columns: readonly SearchField[]): Document {
  return {
    _id: 0,
    ...Object.fromEntries(columns.map((field) => [field.storedName, 1])),
  };
}

/**
 * Runs a search. Bad input is thrown as a 400 `ApiError`, naming the
 * parameter or field at fault; so is a search that runs out of time.
 *
 * @param query - The query string, repeated keys as arrays.
 * @param options - Database, caller, endpoint and time limit.
 */
export async function superSearch(
  query: SearchQuery,
  options: SuperSearchOptions,
): Promise<SuperSearchResult> {
  const access = {
    principal: options.principal,
    unredacted: options.unredacted,
  };
  const now = options.now?.() ?? new Date();
  const request = parseSearchRequest(query, access, now);
  const filter = searchFilter(request.filters);
  const find = {
    sort: sortDocument(request.sort),
    skip: request.resultsOffset,
    limit: request.resultsNumber,
    projection: projectionOf(request.columns),
  };
  if (request.returnQuery) {
    const echo = { collection: Collections.processedCrashes, filter, ...find };
    return { hits: [], total: 0, facets: {}, errors: [], query: echo };
  }

  const collection = options.db.collection(Collections.processedCrashes);
  const runner = new SearchRunner(collection, options.maxTimeMs);
  const [documents, total] = await Promise.all([
    request.resultsNumber > 0 ? runner.find(filter, find) : [],
    runner.count(filter),
  ]);
  const facets =
    request.facetsSize > 0
      ? await new FacetEngine({
          runner,
          filter,
          dateRange: request.dateRange,
          size: request.facetsSize,
        }).run(request.facets)
      : {};
  return {
    hits: documents.map((document) =>
      formatHit(request.columns, originalKeys(document)),
    ),
    total,
    facets,
    errors: [],
  };
}
