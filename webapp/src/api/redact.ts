/**
 * Crash documents as the API returns them: reduced by the crash schema to
 * public fields unless the caller holds `view_pii`. A raw annotation the
 * schema does not know is protected, and so is every processed field it
 * does not list. Dates come out in the API's one format, those the
 * processor stores as text (as Socorro does) included.
 */
import {
  findCrashField,
  isPublicField,
  type CrashFieldNamespace,
} from '@crashstats/common';
import { hasPermission, type Principal } from '../auth/permissions.js';
import { normalizeIsoText, withIsoDates } from './format.js';

/** Fields of the stored processed crash that are bookkeeping, never data. */
const INTERNAL_PROCESSED_FIELDS = new Set(['_id', 'counted_signature']);

/** Keeps the public top-level fields of a document (all with view_pii). */
function reduce(
  namespace: CrashFieldNamespace,
  doc: Readonly<Record<string, unknown>>,
  principal: Principal,
  internal: ReadonlySet<string>,
): Record<string, unknown> {
  const full = hasPermission(principal, 'view_pii');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (internal.has(key)) {
      continue;
    }
    if (full || isPublicField(namespace, key)) {
      out[key] =
        typeof value === 'string' &&
        findCrashField(namespace, key)?.type === 'datetime'
          ? normalizeIsoText(value)
          : value;
    }
  }
  return withIsoDates(out) as Record<string, unknown>;
}

/** A processed crash for the ProcessedCrash endpoint. */
export function processedCrashForApi(
  doc: Readonly<Record<string, unknown>>,
  principal: Principal,
): Record<string, unknown> {
  return reduce('processed', doc, principal, INTERNAL_PROCESSED_FIELDS);
}

/** A raw crash (annotations and collector fields) for RawCrash `format=meta`. */
export function rawCrashForApi(
  raw: Readonly<Record<string, unknown>>,
  principal: Principal,
): Record<string, unknown> {
  return reduce('raw', raw, principal, new Set());
}
