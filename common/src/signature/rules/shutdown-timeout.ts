/**
 * SignatureShutdownTimeout: an `AsyncShutdownTimeout` annotation replaces the
 * signature with `AsyncShutdownTimeout | <phase> | <sorted condition names>`.
 */
import { compareCodePoints, isTruthy, pyStr } from '../python.js';
import type { SignatureRule } from '../rule.js';

const NAME = 'SignatureShutdownTimeout';

/** A condition object without a `name` (Python's KeyError: `'name'`). */
class MissingNameError extends Error {
  constructor() {
    super("'name'");
    this.name = 'MissingNameError';
  }
}

/** A plain JSON object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The items Python would iterate over in `for c in conditions or []`. */
function iterate(conditions: unknown): unknown[] {
  if (!isTruthy(conditions)) {
    return [];
  }
  if (Array.isArray(conditions)) {
    return conditions;
  }
  if (typeof conditions === 'string') {
    return Array.from(conditions);
  }
  if (isRecord(conditions)) {
    return Object.keys(conditions);
  }
  throw new TypeError('conditions are not iterable');
}

/** Condition names: a condition is a name, or an object with a `name`. */
function conditionNames(conditions: unknown): string[] {
  return iterate(conditions).map((condition) => {
    if (!isRecord(condition)) {
      return pyStr(condition);
    }
    if (!('name' in condition)) {
      throw new MissingNameError();
    }
    return pyStr(condition['name']);
  });
}

/** The signature parts after `AsyncShutdownTimeout`, noting a parse error. */
function describeTimeout(raw: unknown, notes: string[]): string[] {
  const parts: string[] = [];
  try {
    // NOTE: an already-decoded object is accepted too (siggen takes JSON text only).
    const data: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (!isRecord(data)) {
      throw new TypeError('AsyncShutdownTimeout is not a JSON object');
    }
    parts.push(typeof data['phase'] === 'string' ? data['phase'] : '(unknown)');
    const names = conditionNames(data['conditions']).sort(compareCodePoints);
    parts.push(names.length > 0 ? names.join(',') : '(none)');
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof MissingNameError)) {
      throw error;
    }
    // LIMITATION: a JSON syntax error is described in JavaScript's words,
    // not Python's ("Expecting value: line 1 column 1 (char 0)").
    parts.push('UNKNOWN');
    notes.push(`Error parsing AsyncShutdownTimeout: ${error.message}`);
  }
  return parts;
}

/** The rule. */
export const shutdownTimeoutRule: SignatureRule = {
  name: NAME,
  predicate: (input) => isTruthy(input.async_shutdown_timeout),
  action: (input, result) => {
    const notes: string[] = [];
    const parts = describeTimeout(input.async_shutdown_timeout, notes);
    notes.forEach((note) => result.info(NAME, note));
    result.info(
      NAME,
      `Signature replaced with a Shutdown Timeout signature, was: "${result.signature}"`,
    );
    result.setSignature(NAME, ['AsyncShutdownTimeout', ...parts].join(' | '));
  },
};
