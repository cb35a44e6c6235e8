/**
 * The processing state rule tests run on: one crash with the raw crash
 * given, no dumps unless the test adds them, and a signal never aborted.
 */
import type { ProcessingState, Rule } from '../../src/rules/rule.js';

/** The crash id every rule test processes. */
export const RULE_TEST_CRASH_ID = 'de1bb258-cbbf-4589-a673-34f800160918';

/** A fresh state for `raw`, with `overrides` (dumps, a reader) on top. */
export function ruleState(
  raw: Record<string, unknown>,
  overrides: Partial<ProcessingState> = {},
): ProcessingState {
  return {
    crashId: RULE_TEST_CRASH_ID,
    raw,
    dumps: [],
    readDump: () => Promise.resolve(undefined),
    processed: {},
    notes: [],
    signal: new AbortController().signal,
    ...overrides,
  };
}

/** Runs `rules` in order on a fresh state; returns the state. */
export async function runOnState(
  rules: readonly Rule[],
  raw: Record<string, unknown>,
  processed: Record<string, unknown> = {},
): Promise<ProcessingState> {
  const state = ruleState(raw, { processed: { ...processed } });
  for (const rule of rules) {
    await rule.run(state);
  }
  return state;
}
