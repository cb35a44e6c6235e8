/**
 * Signatures from a structured, Sentry-style Java exception
 * (`JavaException`): `<module>.<type>: at <frame>` from the first frame of
 * the first exception value.
 */
import { isTruthy, pyStr } from './python.js';
import type { StackSignature } from './stack-signature.js';

const NOT_EXPECTED: StackSignature = {
  signature: 'EMPTY: Java exception not in expected format',
  notes: ['JavaExceptionSignatureTool: value not in expected format'],
  debug: [],
};

/** A plain JSON object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `exception.values[0].stacktrace`, or undefined when the path is missing. */
function firstStacktrace(source: Record<string, unknown>): unknown {
  const exception = source['exception'];
  if (!isRecord(exception) || !Array.isArray(exception['values'])) {
    return undefined;
  }
  const first: unknown = exception['values'][0];
  return isRecord(first) ? first['stacktrace'] : undefined;
}

/** A value read from a JSON object, as a Python f-string would show it. */
function field(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return isTruthy(value) ? pyStr(value) : '';
}

/** `module.function(filename)`, dropping missing parts; `unknown` when all are missing. */
export function normalizeJavaExceptionFrame(frame: unknown): string {
  if (!isRecord(frame)) {
    throw new TypeError('Java exception frame is not an object');
  }
  const name = [field(frame, 'module'), field(frame, 'function')]
    .filter((part) => part !== '')
    .join('.');
  const filename = field(frame, 'filename');
  if (name && filename) {
    return `${name}(${filename})`;
  }
  return name || 'unknown';
}

/** The exception class: `module.type`, or the type alone. */
function exceptionClass(stacktrace: Record<string, unknown>): string {
  const type = 'type' in stacktrace ? stacktrace['type'] : 'Unknown';
  const module = stacktrace['module'];
  return isTruthy(module) && isTruthy(type)
    ? `${pyStr(module)}.${pyStr(type)}`
    : pyStr(type);
}

/**
 * Signature of a structured Java exception.
 *
 * @param source - the `java_exception` value
 * @throws TypeError when the stack trace or a frame is not an object (siggen
 * reports the rule as failed then)
 */
export function javaExceptionSignature(source: unknown): StackSignature {
  if (!isRecord(source)) {
    return NOT_EXPECTED;
  }
  const stacktrace = firstStacktrace(source);
  if (!isTruthy(stacktrace)) {
    return NOT_EXPECTED;
  }
  if (!isRecord(stacktrace)) {
    throw new TypeError('Java exception stacktrace is not an object');
  }
  const className = exceptionClass(stacktrace);
  const rawFrames = stacktrace['frames'];
  if (isTruthy(rawFrames) && !Array.isArray(rawFrames)) {
    throw new TypeError('Java exception frames are not a list');
  }
  const frames = Array.isArray(rawFrames)
    ? rawFrames.map(normalizeJavaExceptionFrame)
    : [];
  const signature =
    frames[0] !== undefined ? `${className}: at ${frames[0]}` : className;
  return { signature, notes: [], debug: [] };
}
