/**
 * How values leave Super Search: dates as Python's `isoformat()` writes
 * them (`2026-12-03T10:00:00.123000+00:00`, no fraction when it is zero),
 * booleans in facets as Elasticsearch 1.x's `T` and `F`, and hits keyed by
 * public field names.
 */
import type { Document } from 'mongodb';
import { isoDate, normalizeIsoText } from '../api/format.js';
import type { SearchField } from './fields.js';

/** A stored value as a hit shows it; a missing value is null. */
export function hitValue(field: SearchField, value: unknown): unknown {
  if (value === undefined || value === null) {
    return null;
  }
  if (value instanceof Date) {
    return isoDate(value);
  }
  if (field.queryType === 'date' && typeof value === 'string') {
    return normalizeIsoText(value);
  }
  return value;
}

/** A bucket value as a facet term shows it. */
export function facetTerm(field: SearchField, value: unknown): unknown {
  if (typeof value === 'boolean') {
    return value ? 'T' : 'F';
  }
  return hitValue(field, value);
}

/** One hit: the requested columns, under their public names. */
export function formatHit(
  columns: readonly SearchField[],
  document: Document,
): Record<string, unknown> {
  return Object.fromEntries(
    columns.map((field) => [
      field.name,
      hitValue(field, document[field.storedName]),
    ]),
  );
}
