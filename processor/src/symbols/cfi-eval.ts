/**
 * Recovers a caller's registers from the CFI rules of its callee's frame,
 * and the constants a STACK WIN program reads.
 */
import {
  evaluatePostfix,
  type PostfixOptions,
  type ValueSource,
} from './postfix.js';
import type { CfiRules, StackWinRecord } from './types.js';

/** What one CFI step recovers. */
export interface CfiCallerValues {
  /** The canonical frame address (the caller's stack pointer, by default). */
  readonly cfa: bigint;
  /** The return address: the caller's instruction pointer. */
  readonly ra: bigint;
  /**
   * Other registers with a rule that evaluated, keyed as the rules name
   * them (`$rbp`, `$rbx`, `x29`…). Registers whose rule failed or is
   * `.undef` are absent.
   */
  readonly registers: ReadonlyMap<string, bigint>;
}

function lookupIn(source: ValueSource, name: string): bigint | undefined {
  return typeof source === 'function' ? source(name) : source.get(name);
}

/**
 * Evaluates the rules of one frame. `.cfa` is computed first from the
 * callee's registers; every other rule may then use `.cfa` too.
 *
 * @param rules - From {@link SymbolTable.cfiAt} for the callee's
 *   instruction (for a caller frame, its return address minus one).
 * @param callee - The callee's register values, named as in the rules.
 * @returns Undefined when `.cfa` or `.ra` is missing or fails.
 */
export function evaluateCfiRules(
  rules: CfiRules,
  callee: ValueSource,
  options: PostfixOptions,
): CfiCallerValues | undefined {
  const cfaRule = rules.get('.cfa');
  const raRule = rules.get('.ra');
  if (cfaRule === undefined || raRule === undefined) {
    return undefined;
  }
  const cfa = evaluatePostfix(cfaRule, callee, options);
  if (cfa === undefined) {
    return undefined;
  }
  const withCfa = (name: string): bigint | undefined =>
    name === '.cfa' ? cfa : lookupIn(callee, name);
  const ra = evaluatePostfix(raRule, withCfa, options);
  if (ra === undefined) {
    return undefined;
  }
  const registers = new Map<string, bigint>();
  for (const [register, expression] of rules) {
    if (register === '.cfa' || register === '.ra') {
      continue;
    }
    const value = evaluatePostfix(expression, withCfa, options);
    if (value !== undefined) {
      registers.set(register, value);
    }
  }
  return { cfa, ra, registers };
}

/**
 * The STACK WIN record's own values as program variables: `.cbParams`,
 * `.cbSavedRegs`, `.cbLocals`. The walker adds the registers, `.raSearch`
 * and `.raSearchStart`, and `.cbCalleeParams` from its own state.
 */
export function stackWinConstants(record: StackWinRecord): Map<string, bigint> {
  return new Map([
    ['.cbParams', BigInt(record.parameterSize)],
    ['.cbSavedRegs', BigInt(record.savedRegisterSize)],
    ['.cbLocals', BigInt(record.localSize)],
  ]);
}
