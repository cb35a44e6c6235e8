/**
 * Values as Socorro's API writes them: dates as Python's isoformat with
 * microseconds and `+00:00`.
 */

/** `2026-12-03T10:00:00.123000+00:00` for a Date. */
export function isoDate(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
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
