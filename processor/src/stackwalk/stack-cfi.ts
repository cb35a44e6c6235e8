/**
 * Unwinding with STACK CFI records: the rules covering the callee's
 * instruction give the caller's stack pointer (`.cfa`), instruction
 * pointer (`.ra`) and any saved registers.
 */
import type { CpuContext } from '../minidump/index.js';
import { evaluateCfiRules } from '../symbols/index.js';
import {
  forwardCalleeSaved,
  stackReader,
  type UnwindStep,
} from './unwind-context.js';

/** How a CPU's STACK CFI unwinding differs. */
export interface CfiOptions {
  /** Registers handed back unchanged unless a rule says otherwise. */
  readonly calleeSaved: readonly string[];
  /** Callee registers the rules must not read (their values are guesses). */
  readonly hidden?: (name: string) => boolean;
}

/**
 * The caller's registers from the STACK CFI rules at the callee's
 * instruction, or undefined when the module has no symbols, no rules
 * cover the address, or `.cfa` or `.ra` cannot be evaluated. As in
 * Breakpad, a result is not checked any further here.
 */
export async function unwindWithStackCfi(
  step: UnwindStep,
  options: CfiOptions,
): Promise<CpuContext | undefined> {
  const { callee } = step;
  const module = step.dump.moduleForAddress(callee.instruction);
  if (module === undefined) {
    return undefined;
  }
  const table = await step.symbols.tableFor(module);
  const rules = table?.cfiAt(Number(callee.instruction - module.base));
  if (rules === undefined) {
    return undefined;
  }
  const calleeContext = callee.context;
  const values = evaluateCfiRules(
    rules,
    (name) =>
      options.hidden?.(name) === true ? undefined : calleeContext.get(name),
    {
      addressBits: calleeContext.pointerWidth === 4 ? 32 : 64,
      readMemory: stackReader(step),
    },
  );
  if (values === undefined) {
    return undefined;
  }
  const caller = forwardCalleeSaved(calleeContext, options.calleeSaved);
  caller.set(caller.spName, values.cfa);
  caller.set(caller.ipName, values.ra);
  for (const register of rules.keys()) {
    if (register === '.cfa' || register === '.ra') {
      continue;
    }
    if (!caller.hasRegister(register)) {
      continue;
    }
    const value = values.registers.get(register);
    // A rule that fails loses the register rather than forwarding a
    // callee value that is known to be wrong.
    if (value === undefined) {
      caller.invalidate(register);
    } else {
      caller.set(register, value);
    }
  }
  return caller;
}
