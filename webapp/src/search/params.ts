/**
 * Reads a Super Search query string into a checked search request. Every
 * key must be a field the caller may use or a known meta parameter; any
 * other key, or any bad value, is a 400 naming it.
 */
import { badRequest, invalidParameters } from '../api/errors.js';
import { resolveField, type SearchAccess } from './access.js';
import { resolveDateRange, type DateRange } from './date-range.js';
import { isFacetParam, parseFacets, type FacetNode } from './facet-spec.js';
import { findSearchField, type SearchField } from './fields.js';
import { parseFieldFilter, type FieldFilter } from './filter-params.js';
import {
  parseColumns,
  parseCount,
  parseFlag,
  parseSort,
  type SortKey,
} from './meta-params.js';

/** A query string with repeated keys as arrays. */
export type SearchQuery = Readonly<Record<string, readonly string[]>>;

/** Everything a search needs, checked. */
export interface SearchRequest {
  /** One filter per field given, `date` always included. */
  readonly filters: readonly FieldFilter[];
  /** The span of `date` the search covers. */
  readonly dateRange: DateRange;
  readonly columns: readonly SearchField[];
  readonly sort: readonly SortKey[];
  readonly resultsNumber: number;
  readonly resultsOffset: number;
  /** Terms buckets per facet; 0 means no facets at all. */
  readonly facetsSize: number;
  readonly facets: readonly FacetNode[];
  readonly returnQuery: boolean;
}

/** Largest `_results_number`. */
export const MAX_RESULTS_NUMBER = 1000;

/** Largest `_facets_size`. */
export const MAX_FACETS_SIZE = 10_000;

/**
 * Deepest hit a search may page to (`_results_offset` plus
 * `_results_number`), as Socorro's Elasticsearch result window.
 */
export const MAX_RESULT_WINDOW = 10_000;

const META_PARAMS: ReadonlySet<string> = new Set([
  '_columns',
  '_sort',
  '_results_number',
  '_results_offset',
  '_facets_size',
  '_return_query',
]);

function dateField(): SearchField {
  const field = findSearchField('date');
  if (field === undefined) {
    throw new Error('The crash schema has no date_processed field');
  }
  return field;
}

function readFilters(query: SearchQuery, access: SearchAccess): FieldFilter[] {
  const filters: FieldFilter[] = [];
  for (const [key, values] of Object.entries(query)) {
    if (META_PARAMS.has(key) || isFacetParam(key)) {
      continue;
    }
    if (key.startsWith('_')) {
      throw badRequest(`Unknown parameter '${key}'`);
    }
    const field = resolveField(key, access, { param: key, inKey: true });
    filters.push(parseFieldFilter(field, values));
  }
  return filters;
}

/**
 * Checks a query and reads it into a request.
 *
 * @param query - The query string, repeated keys as arrays.
 * @param access - Who asks, through which endpoint.
 * @param now - The current time, the end of the default date range.
 */
export function parseSearchRequest(
  query: SearchQuery,
  access: SearchAccess,
  now: Date,
): SearchRequest {
  const date = dateField();
  const given = readFilters(query, access);
  const dateRange = resolveDateRange(
    date,
    given.find((filter) => filter.field === date),
    now,
  );
  const filters = [
    ...given.filter((filter) => filter.field !== date),
    dateRange.filter,
  ].filter((filter) => filter.clauses.length > 0);

  const resultsNumber = parseCount('_results_number', query._results_number, {
    defaultValue: 100,
    max: MAX_RESULTS_NUMBER,
  });
  const resultsOffset = parseCount('_results_offset', query._results_offset, {
    defaultValue: 0,
    max: MAX_RESULT_WINDOW,
  });
  if (resultsOffset + resultsNumber > MAX_RESULT_WINDOW) {
    throw invalidParameters({
      _results_offset: [
        `_results_offset + _results_number cannot be greater than ${MAX_RESULT_WINDOW.toLocaleString('en-US')}`,
      ],
    });
  }
  return {
    filters,
    dateRange,
    columns: parseColumns(query._columns, access),
    sort: parseSort(query._sort, access),
    resultsNumber,
    resultsOffset,
    facetsSize: parseCount('_facets_size', query._facets_size, {
      defaultValue: 50,
      max: MAX_FACETS_SIZE,
    }),
    facets: parseFacets(query, access),
    returnQuery: parseFlag('_return_query', query._return_query),
  };
}
