/**
 * Stack scanning: the last resort of every unwinder. Walks up from the
 * callee's stack pointer looking for a value that could be a return
 * address pushed by a call.
 */
import type { UnwindStep } from './unwind-context.js';
import { readStack } from './unwind-context.js';

/** Words searched from a frame found by scanning or frame pointers. */
const SCAN_WORDS = 40;
/**
 * Words searched from a context or CFI frame: the first frames of a walk
 * are often messy, and a trusted frame can afford a longer search (it
 * also steps over JIT frames that nothing else can unwind).
 */
const EXTENDED_SCAN_WORDS = SCAN_WORDS * 4;

/** A plausible return address found on the stack. */
export interface ScanHit {
  /** Where it was found. */
  readonly address: bigint;
  readonly value: bigint;
  /** Index of the word from the start of the scan. */
  readonly index: number;
}

/**
 * The first stack word from `start` up that `accept` allows and that the
 * symbols take for a return address, or undefined when the scan window
 * runs out or leaves the stack memory.
 */
export async function scanForReturnAddress(
  step: UnwindStep,
  start: bigint,
  accept: (value: bigint) => boolean,
): Promise<ScanHit | undefined> {
  const width = BigInt(step.callee.context.pointerWidth);
  const trust = step.callee.trust;
  const words =
    trust === 'context' || trust === 'cfi' ? EXTENDED_SCAN_WORDS : SCAN_WORDS;
  for (let index = 0; index < words; index++) {
    const address = start + BigInt(index) * width;
    const value = readStack(step, address);
    if (value === undefined) {
      return undefined;
    }
    if (
      value !== 0n &&
      accept(value) &&
      (await step.symbols.isPlausibleReturnAddress(value))
    ) {
      return { address, value, index };
    }
  }
  return undefined;
}
