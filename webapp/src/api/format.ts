/**
 * Values as Socorro's API writes them: dates as Python's
 * `datetime.isoformat()` writes a UTC datetime, the one date format of
 * every endpoint, Super Search included.
 */

/**
 * `2026-12-03T10:00:00.123000+00:00` for a Date, and like Python no
 * fraction at all when it is zero: `2026-12-03T10:00:00+00:00`.
 */
export function isoDate(date: Date): string {
  const seconds = date.toISOString().slice(0, 19);
  const millis = date.getUTCMilliseconds();
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}000`;
  return `${seconds}${fraction}+00:00`;
}

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

/** A copy of a stored document with every Date written as {@link isoDate}. */
export function withIsoDates(value: unknown): unknown {
  if (value instanceof Date) {
    return isoDate(value);
  }
  if (Array.isArray(value)) {
    return value.map(withIsoDates);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = withIsoDates(v);
    }
    return out;
  }
  return value;
}
