/**
 * How values leave Super Search: dates as Python's `isoformat()` writes
 * them (`2026-12-03T10:00:00.123000+00:00`, no fraction when it is zero),
 * booleans in facets as Elasticsearch 1.x's `T` and `F`, and hits keyed by
 * public field names.
 */
import type { Document } from 'mongodb';
import { isoDate } from '../api/format.js';
import type { SearchField } from './fields.js';

const ISO_TEXT =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]00:?00)?$/i;

/**
 * A datetime stored as text, rewritten in the `isoformat()` form. UTC
 * values keep their digits (up to microseconds); values with another
 * offset are converted to UTC; text that is not ISO-8601 is returned as it
 * is.
 */
export function normalizeIsoText(text: string): string {
  const match = ISO_TEXT.exec(text);
  if (match) {
    const digits = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
    const fraction = /^0*$/.test(digits) ? '' : `.${digits}`;
    return `${match[1]}${fraction}+00:00`;
  }
  const parsed = new Date(text);
  return /^\d{4}-\d\d-\d\dT/.test(text) && !Number.isNaN(parsed.getTime())
    ? isoDate(parsed)
    : text;
}

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
