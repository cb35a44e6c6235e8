/**
 * Unwinding 32-bit Windows frames with STACK WIN records: FrameData
 * records (type 4) run a postfix program that assigns the caller's
 * registers; FPO records (type 0) describe the frame by its sizes.
 */
import type { CpuContext } from '../minidump/index.js';
import {
  evaluateProgram,
  stackWinConstants,
  type StackWinRecord,
} from '../symbols/index.js';
import {
  forwardCalleeSaved,
  readStack,
  stackReader,
  type UnwindStep,
} from './unwind-context.js';

/** x86 registers a callee preserves for its caller. */
export const X86_CALLEE_SAVED = ['ebp', 'ebx', 'edi', 'esi'] as const;

/** Registers a FrameData program may assign for the caller. */
const PROGRAM_OUTPUTS = ['eip', 'esp', 'ebp', 'ebx', 'esi', 'edi'] as const;

const U32 = 0xffffffffn;

/**
 * The caller's registers from the STACK WIN record covering the callee's
 * instruction (FrameData preferred over FPO), or undefined when there is
 * none or it cannot be evaluated.
 */
export async function unwindWithStackWin(
  step: UnwindStep,
): Promise<CpuContext | undefined> {
  const { callee } = step;
  const module = step.dump.moduleForAddress(callee.instruction);
  if (module === undefined) {
    return undefined;
  }
  const table = await step.symbols.tableFor(module);
  const record = table?.winFrameAt(Number(callee.instruction - module.base));
  if (record === undefined) {
    return undefined;
  }
  return record.type === 4
    ? unwindFrameData(step, record)
    : unwindFpo(step, record);
}

/**
 * Frame size as the records define it. The grand-callee's parameters
 * count because some calling conventions leave them for the caller to pop.
 */
function frameSize(step: UnwindStep, record: StackWinRecord): bigint {
  const grandCalleeParams = step.grandCallee?.parameterSize ?? 0;
  return BigInt(
    record.localSize + record.savedRegisterSize + grandCalleeParams,
  );
}

function unwindFrameData(
  step: UnwindStep,
  record: StackWinRecord,
): CpuContext | undefined {
  const callee = step.callee.context;
  const esp = callee.get('esp');
  const ebp = callee.get('ebp');
  const program = record.programString;
  if (esp === undefined || ebp === undefined || program === undefined) {
    return undefined;
  }
  // Programs that align the stack (`@`) cannot find the return address
  // from esp; the standard prologue puts it just above the saved ebp.
  const searchStart = program.includes('@')
    ? ebp + 4n
    : esp + frameSize(step, record);
  if (searchStart > U32) {
    return undefined;
  }
  const initial = new Map<string, bigint>([
    ['$esp', esp],
    ['$ebp', ebp],
  ]);
  const ebx = callee.get('ebx');
  if (ebx !== undefined) {
    initial.set('$ebx', ebx);
  }
  const values = new Map<string, bigint>([
    ...initial,
    ...stackWinConstants(record),
    ['.cbCalleeParams', BigInt(step.grandCallee?.parameterSize ?? 0)],
    ['.raSearch', searchStart],
    ['.raSearchStart', searchStart],
  ]);
  // Some toolchains write `=$eip` for `= $eip`.
  const text = program.replace(/(^|\s)=(\S)/g, '$1= $2');
  const assigned = evaluateProgram(text, values, {
    addressBits: 32,
    readMemory: stackReader(step),
  });
  // NOTE: rust-minidump would still build a caller from a program that
  // never assigns $eip (reusing the callee's), which then ends the walk;
  // treating it as a failure lets STACK CFI and the other methods try.
  if (assigned?.get('$eip') === undefined) {
    return undefined;
  }
  // Breakpad and rust-minidump keep the callee-saved registers the
  // program does not assign; variables it leaves alone keep their
  // initial values.
  const caller = forwardCalleeSaved(callee, X86_CALLEE_SAVED);
  for (const register of PROGRAM_OUTPUTS) {
    const value = assigned.get(`$${register}`) ?? initial.get(`$${register}`);
    if (value !== undefined) {
      caller.set(register, value);
    }
  }
  return caller;
}

function unwindFpo(
  step: UnwindStep,
  record: StackWinRecord,
): CpuContext | undefined {
  const callee = step.callee.context;
  const esp = callee.get('esp');
  if (esp === undefined) {
    return undefined;
  }
  let eipAddress = esp + frameSize(step, record);
  let eip = readStack(step, eipAddress);
  // An FPO system call can leave its own return address on the stack:
  // in the context frame, skip a "return address" equal to the callee's.
  if (
    eip !== undefined &&
    step.grandCallee === undefined &&
    eip === callee.get('eip')
  ) {
    eipAddress += 4n;
    eip = readStack(step, eipAddress);
  }
  if (eip === undefined) {
    return undefined;
  }
  const caller = forwardCalleeSaved(callee, X86_CALLEE_SAVED);
  let ebp: bigint | undefined;
  if (record.allocatesBasePointer) {
    // The function used ebp as a general register and saved the caller's.
    const grandCalleeParams = BigInt(step.grandCallee?.parameterSize ?? 0);
    ebp = readStack(
      step,
      esp + grandCalleeParams + BigInt(record.savedRegisterSize) - 8n,
    );
  } else {
    ebp = callee.get('ebp');
  }
  if (ebp === undefined || eipAddress + 4n > U32) {
    return undefined;
  }
  caller.set('eip', eip);
  caller.set('esp', eipAddress + 4n);
  caller.set('ebp', ebp);
  return caller;
}
