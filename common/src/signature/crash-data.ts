/** Lookups on the signature input shared by several rules. */
import { pyInt } from './python.js';
import type { SignatureInput, StackThread } from './types.js';

/**
 * The crashing thread's index: `crashing_thread` read as Python's `int()`,
 * or 0 when it is missing or not a number.
 */
export function crashingThreadIndex(input: SignatureInput): number {
  try {
    return pyInt(input.crashing_thread ?? null);
  } catch {
    return 0;
  }
}

/**
 * The thread at `index`, counting from the end when negative (Python
 * indexing); undefined when there is no such thread.
 */
export function threadAt(
  input: SignatureInput,
  index: number,
): StackThread | undefined {
  return input.threads?.at(index);
}
