/**
 * Parsers for the text of query values: numbers, booleans and ISO-8601
 * dates. Each returns undefined for text it does not accept, so the caller
 * can answer with a message naming the parameter.
 */

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** A finite number; with `integer`, a whole number without a fraction. */
export function parseNumber(
  text: string,
  integer: boolean,
): number | undefined {
  const trimmed = text.trim();
  if (!(integer ? INTEGER : NUMBER).test(trimmed)) {
    return undefined;
  }
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const TRUE_WORDS = new Set(['true', 't', '1', 'y', 'yes']);
const FALSE_WORDS = new Set(['false', 'f', '0', 'n', 'no']);

/** Socorro's spellings of true and false, case-insensitive. */
export function parseBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) {
    return true;
  }
  return FALSE_WORDS.has(word) ? false : undefined;
}

const ISO_DATE =
  /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?)?(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/** Minutes east of UTC for `Z`, `+02`, `+0200` or `-05:30`. */
function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes);
}

/**
 * An ISO-8601 date or date-time: `2026-12-01`, `2026-12-01T10:00`,
 * `2026-12-01 10:00:00.123456+02:00`. Without a zone the time is UTC.
 * Fractions below a millisecond are dropped.
 */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 19xx.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return new Date(date.getTime() - offsetMinutes(match[8]) * 60_000);
}
