/**
 * OOMSignature: out-of-memory crashes become `OOM | small`,
 * `OOM | large | <signature>` or `OOM | unknown | <signature>`.
 */
import { crashingThreadIndex, threadAt } from '../crash-data.js';
import { isTruthy, pyInt } from '../python.js';
import type { SignatureRule } from '../rule.js';
import type { SignatureInput } from '../types.js';

/** Signature fragments that mean the crash is an OOM. */
const OOM_FRAGMENTS = [
  'NS_ABORT_OOM',
  'mozalloc_handle_oom',
  'CrashAtUnhandlableOOM',
  'AutoEnterOOMUnsafeRegion',
  'alloc::oom::oom',
];
/** Crash reasons that mean the crash is an OOM. */
const OOM_REASONS = ['STATUS_FATAL_MEMORY_EXHAUSTION', 'STATUS_NO_MEMORY'];
/** Windows last-error values of the crashing thread that mean an OOM. */
const OOM_LAST_ERRORS = ['ERROR_COMMITMENT_LIMIT', 'ERROR_NOT_ENOUGH_MEMORY'];
/** Allocations up to this size (256 KiB) are small. */
const SMALL_ALLOCATION_BYTES = 262144;

/** Whether the crashing thread's last error is an out-of-memory error. */
function lastErrorIsOom(input: SignatureInput): boolean {
  const thread = threadAt(input, crashingThreadIndex(input));
  const lastError = thread?.last_error_value;
  return !!lastError && OOM_LAST_ERRORS.includes(lastError);
}

/** Whether the crash is an OOM. */
function isOom(input: SignatureInput, signature: string): boolean {
  if (isTruthy(input.oom_allocation_size)) {
    return true;
  }
  if (!signature) {
    return false;
  }
  return (
    OOM_FRAGMENTS.some((fragment) => signature.includes(fragment)) ||
    lastErrorIsOom(input) ||
    (!!input.reason && OOM_REASONS.includes(input.reason)) ||
    input.js_large_allocation_failure === 'Reporting'
  );
}

const NAME = 'OOMSignature';

/** The rule. */
export const oomRule: SignatureRule = {
  name: NAME,
  predicate: (input, result) => isOom(input, result.signature),
  action: (input, result) => {
    if (input.js_large_allocation_failure === 'Reporting') {
      result.setSignature(NAME, `OOM | large | ${result.signature}`);
      return;
    }
    const size = input.oom_allocation_size;
    if (size === null || size === undefined) {
      result.setSignature(NAME, `OOM | unknown | ${result.signature}`);
      return;
    }
    // NOTE: a size that is not a number makes the rule fail, as in siggen.
    result.setSignature(
      NAME,
      pyInt(size) <= SMALL_ALLOCATION_BYTES
        ? 'OOM | small'
        : `OOM | large | ${result.signature}`,
    );
  },
};
