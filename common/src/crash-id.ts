/**
 * Crash ids in Socorro's format: a random UUID whose last seven hex
 * characters are replaced by a throttle digit and the collection date as
 * `yymmdd` (UTC). Ids therefore sort by day, and the date of a crash can be
 * read from its id alone.
 */
import { randomUUID } from 'node:crypto';

/** A crash id such as `de1bb258-cbbf-4589-a673-34f800160918`. */
export type CrashId = string;

/** Throttle digits: 0 for crashes accepted for processing, 1 for deferred. */
export const ThrottleDigit = { accept: 0, defer: 1 } as const;
export type ThrottleDigit = (typeof ThrottleDigit)[keyof typeof ThrottleDigit];

const CRASH_ID_RE =
  /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{6}[0-9]{6}$/;

/** The prefix crash reporters show to users and put in URLs. */
export const CRASH_ID_PREFIX = 'bp-';

/**
 * Creates a crash id for a crash collected at `collectedAt`.
 *
 * @param uuid - source of the random part; injectable for tests
 */
export function createCrashId(
  collectedAt: Date,
  throttleDigit: ThrottleDigit = ThrottleDigit.accept,
  uuid: () => string = randomUUID,
): CrashId {
  const yy = String(collectedAt.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(collectedAt.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(collectedAt.getUTCDate()).padStart(2, '0');
  return `${uuid().toLowerCase().slice(0, -7)}${throttleDigit}${yy}${mm}${dd}`;
}

/**
 * True when `id` has the crash-id shape. In strict mode the throttle digit
 * must also be 0 or 1, and the date part must be a real calendar date.
 */
export function isValidCrashId(id: string, strict = false): id is CrashId {
  if (!CRASH_ID_RE.test(id)) {
    return false;
  }
  if (!strict) {
    return true;
  }
  const digit = id.at(-7);
  return (digit === '0' || digit === '1') && crashIdDate(id) !== undefined;
}

/**
 * The collection date encoded in a crash id, at midnight UTC, or undefined
 * when the id carries no valid date.
 */
export function crashIdDate(id: string): Date | undefined {
  if (!CRASH_ID_RE.test(id)) {
    return undefined;
  }
  const year = 2000 + Number(id.slice(-6, -4));
  const month = Number(id.slice(-4, -2));
  const day = Number(id.slice(-2));
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return valid ? date : undefined;
}

/** The collection date of a crash id as `YYYYMMDD`, as Socorro keys it. */
export function crashIdDateKey(id: CrashId): string {
  return `20${id.slice(-6)}`;
}

/** Removes the `bp-` prefix that reporters and URLs add to a crash id. */
export function stripCrashIdPrefix(value: string): string {
  return value.startsWith(CRASH_ID_PREFIX)
    ? value.slice(CRASH_ID_PREFIX.length)
    : value;
}
