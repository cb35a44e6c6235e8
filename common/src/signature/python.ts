/**
 * Small helpers that reproduce the Python string semantics siggen relies on
 * (`str.strip()`, `str.splitlines()`, `str()`, truthiness, `int()`), so the
 * rules below give the same answer as the Python generator on odd input.
 */

/** Characters Python's `str.isspace()` accepts, as a regex class body. */
const PY_SPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a' +
  '\\u2028\\u2029\\u202f\\u205f\\u3000';

const EDGE_SPACE = new RegExp(
  `^[${PY_SPACE_CLASS}]+|[${PY_SPACE_CLASS}]+$`,
  'g',
);
const ONE_SPACE = new RegExp(`[${PY_SPACE_CLASS}]`, 'g');
const SPACE_RUNS = new RegExp(`[${PY_SPACE_CLASS}]{2,}`, 'g');
// eslint-disable-next-line no-control-regex -- Python counts \x1c-\x1e as line breaks.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
const PY_INT = /^[+-]?\d+(?:_\d+)*$/;

/** Trims leading and trailing whitespace the way Python's `str.strip()` does. */
export function pyStrip(text: string): string {
  return text.replace(EDGE_SPACE, '');
}

/** Replaces each whitespace character with a space (Python's `\s`). */
export function spacesOnly(text: string): string {
  return text.replace(ONE_SPACE, ' ');
}

/** Collapses runs of two or more whitespace characters into one space. */
export function collapseSpaceRuns(text: string): string {
  return text.replace(SPACE_RUNS, ' ');
}

/**
 * Splits text into lines like Python's `str.splitlines()`: every Unicode
 * line boundary counts, and a final line break does not add an empty line.
 */
export function splitLines(text: string): string[] {
  if (text === '') {
    return [];
  }
  const lines = text.split(LINE_BREAK);
  if (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines;
}

/**
 * Formats a value the way a Python f-string would show it.
 * LIMITATION: lists and objects are shown as JSON, not as Python's repr (only
 * reachable with odd AsyncShutdownTimeout conditions or Java exception fields).
 */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** Python truthiness: empty strings, zero, empty arrays and objects are false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).length > 0;
  }
  return Boolean(value);
}

/**
 * Python's `int(value)` for the JSON types: numbers are truncated, decimal
 * strings parsed; anything else throws with Python's wording.
 */
export function pyInt(value: unknown): number {
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`cannot convert float ${value} to integer`);
    }
    return Math.trunc(value);
  }
  if (typeof value === 'string') {
    const text = pyStrip(value);
    if (PY_INT.test(text)) {
      return Number.parseInt(text.replaceAll('_', ''), 10);
    }
    throw new RangeError(`invalid literal for int() with base 10: '${value}'`);
  }
  throw new TypeError(
    `int() argument must be a string or a number, not '${pyTypeName(value)}'`,
  );
}

/** The Python type name of a JSON value, for error messages. */
function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NoneType';
  }
  if (Array.isArray(value)) {
    return 'list';
  }
  return typeof value === 'object' ? 'dict' : typeof value;
}

/** The first `count` code points of `text` (Python slicing, `text[:count]`). */
export function codePointPrefix(text: string, count: number): string {
  return Array.from(text).slice(0, count).join('');
}

/** Number of code points in `text` (Python's `len`). */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

/** Compares strings by code point, as Python's `sorted` does. */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const shared = Math.min(left.length, right.length);
  for (let i = 0; i < shared; i += 1) {
    const diff =
      (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return left.length - right.length;
}
