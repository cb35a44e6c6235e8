/**
 * Field names a client chose (annotation names, the keys inside JSON
 * annotations such as the add-on ids of TelemetryEnvironment) may hold
 * what a MongoDB-wire server refuses in a key: a `.`, a leading `$`, a NUL
 * (FerretDB refuses the first two, no BSON key can hold the last). Such
 * documents are written with those characters escaped as `%2E`, `%24` and
 * `%00`, and `%` itself as `%25`, so that reading them back gives the
 * names exactly as sent. Everything that writes raw or processed crashes
 * writes {@link storableKeys}, and everything that reads them whole reads
 * {@link originalKeys}.
 */

function needsEscape(key: string): boolean {
  return (
    key.includes('.') ||
    key.includes('%') ||
    key.includes('\u0000') ||
    key.startsWith('$')
  );
}

const ESCAPED = /%(?:25|2E|24|00)/;

function isEscaped(key: string): boolean {
  return ESCAPED.test(key);
}

function escapeKey(key: string): string {
  const escaped = key
    .replaceAll('%', '%25')
    .replaceAll('.', '%2E')
    .replaceAll('\u0000', '%00');
  return escaped.startsWith('$') ? `%24${escaped.slice(1)}` : escaped;
}

const UNESCAPE: Readonly<Record<string, string>> = {
  '%25': '%',
  '%2E': '.',
  '%24': '$',
  '%00': '\u0000',
};

function unescapeKey(key: string): string {
  return key.replace(/%(?:25|2E|24|00)/g, (code) => UNESCAPE[code] ?? code);
}

/** Plain objects (not dates, ids, binary data) have their keys rewritten. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Rewrites every key below `value` with `rewrite` where `needs` says so;
 * an object or array with nothing to rewrite is returned as it is, so the
 * common case costs a walk and no copy.
 */
function rewriteKeys(
  value: unknown,
  needs: (key: string) => boolean,
  rewrite: (key: string) => string,
): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = rewriteKeys(item, needs, rewrite);
      if (next !== item) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const keys = Object.keys(value);
  let changed = false;
  const items = keys.map((key) => {
    const item = value[key];
    const next = rewriteKeys(item, needs, rewrite);
    changed ||= next !== item || needs(key);
    return next;
  });
  if (!changed) {
    return value;
  }
  // Rebuilt in the original order, so key order survives the round trip;
  // defined rather than assigned, so a key named __proto__ stays a key.
  const copy: Record<string, unknown> = {};
  keys.forEach((key, i) => {
    Object.defineProperty(copy, needs(key) ? rewrite(key) : key, {
      value: items[i],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
  return copy;
}

/** `value` with every key a MongoDB-wire server could refuse escaped. */
export function storableKeys<T>(value: T): T {
  return rewriteKeys(value, needsEscape, escapeKey) as T;
}

/** The inverse of {@link storableKeys}. */
export function originalKeys<T>(value: T): T {
  return rewriteKeys(value, isEscaped, unescapeKey) as T;
}
