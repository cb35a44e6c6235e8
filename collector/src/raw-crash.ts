/**
 * Turns a parsed crash report into the raw crash Socorro stores: every
 * annotation as sent, minus the ones configured for removal, plus the
 * collector's own fields.
 */
import type { CrashId, RawCrash } from '@crashstats/common';
import type { CrashReport } from './payload.js';

/** Version of the raw crash layout, as in Socorro. */
export const RAW_CRASH_VERSION = 2;

/** What the collector knows about a submission besides its body. */
export interface SubmissionInfo {
  crashId: CrashId;
  receivedAt: Date;
  userAgent: string | undefined;
  throttleRule: string;
}

/** Removes configured annotations, leaving a note for each removal. */
export function removeAnnotations(
  annotations: Record<string, unknown>,
  names: readonly string[],
  notes: string[],
): void {
  for (const name of names) {
    if (name in annotations) {
      delete annotations[name];
      notes.push(`Removed ${name} from raw crash.`);
    }
  }
}

/**
 * Builds the raw crash with its keys sorted at every level (the metadata
 * and any object an annotation holds too), as Antenna writes it.
 */
export function buildRawCrash(
  report: CrashReport,
  info: SubmissionInfo,
): RawCrash {
  const crash: RawCrash = {
    ...report.annotations,
    uuid: info.crashId,
    submitted_timestamp: formatTimestamp(info.receivedAt),
    version: RAW_CRASH_VERSION,
    metadata: {
      payload: report.payload,
      payload_compressed: report.compressed ? '1' : '0',
      payload_size: report.size,
      collector_notes: report.notes,
      dump_checksums: Object.fromEntries(
        report.dumps.map((d) => [d.name, d.sha256]),
      ),
      user_agent: info.userAgent ?? 'None',
      throttle_rule: info.throttleRule,
    },
  };
  return sortKeys(crash) as RawCrash;
}

/** A copy of a JSON-like value whose objects have their keys sorted. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, sortKeys(object[key])]),
  );
}

/** ISO-8601 in UTC with microseconds and an explicit `+00:00`. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
