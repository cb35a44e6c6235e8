/**
 * Finding the caller of an arm64 frame: STACK CFI, then the frame-record
 * chain (x29/x30 pairs), then stack scanning. Return addresses and saved
 * frame pointers lose their pointer-authentication bits first.
 */
import {
  CpuContext,
  type Minidump,
  type MinidumpModule,
} from '../minidump/index.js';
import { unwindWithStackCfi } from './stack-cfi.js';
import { scanForReturnAddress } from './scan.js';
import { StackFrame, type FrameTrust } from './types.js';
import { readStack, type UnwindStep } from './unwind-context.js';

const CALLEE_SAVED = [
  ...Array.from({ length: 10 }, (_, i) => `x${i + 19}`),
  'fp',
];
const WORD = 8n;
const NULL_PAGE = 4096n;

interface Found {
  readonly context: CpuContext;
  readonly trust: FrameTrust;
}

/**
 * The mask that strips pointer-authentication bits: all ones up to the
 * highest bit a real address can have. Apple's user space uses 47 bits;
 * a module loaded higher widens the mask to cover it.
 */
export function pointerMaskOf(dump: Minidump): bigint {
  let highest = (1n << 47n) - 1n;
  const lastModule = dump.modules.reduce<MinidumpModule | undefined>(
    (last, m) => (last === undefined || m.base > last.base ? m : last),
    undefined,
  );
  if (lastModule !== undefined && lastModule.end > highest) {
    highest = lastModule.end;
  }
  let bit = 1n;
  while (bit < highest && bit < 1n << 64n) {
    bit <<= 1n;
  }
  return bit >= 1n << 64n ? 0xffffffffffffffffn : bit - 1n;
}

/** True for values no arm64 user-mode code address can hold. */
export function isImplausibleArm64Pc(address: bigint): boolean {
  return address < 0x1000n || address > 0x000fffffffffffffn;
}

/** The caller of `step.callee`, or undefined at the end of the stack. */
export async function arm64Caller(
  step: UnwindStep,
): Promise<StackFrame | undefined> {
  const callee = step.callee;
  const found =
    (await byCfi(step)) ??
    (await byLinkRegister(step)) ??
    byFramePointer(step) ??
    (await byScan(step));
  if (found === undefined) {
    return undefined;
  }
  const pc = found.context.ip ?? 0n;
  const sp = found.context.sp ?? 0n;
  const lastSp = callee.context.sp ?? 0n;
  if (pc < NULL_PAGE || sp < lastSp) {
    return undefined;
  }
  if (sp === lastSp) {
    // Leaf functions and CFI at a function's entry leave sp unchanged;
    // the pc must still move so the same frame cannot repeat forever.
    const allowed = callee.trust === 'context' || found.trust === 'cfi';
    if (!allowed || pc === callee.context.ip) {
      return undefined;
    }
  }
  // Instructions are 4 bytes: the call is 4 bytes before the return.
  return new StackFrame(found.context, found.trust, pc - 4n);
}

async function byCfi(step: UnwindStep): Promise<Found | undefined> {
  const { callee } = step;
  if (callee.context.sp === undefined) {
    return undefined;
  }
  // lr of a frame found through frame pointers is a guess (read from the
  // caller's frame record); only rules at a function's first instruction,
  // where lr must still hold the return address, may use it.
  const lrIsGuess =
    callee.trust === 'frame_pointer' &&
    callee.functionBase !== callee.instruction;
  const context = await unwindWithStackCfi(step, {
    calleeSaved: CALLEE_SAVED,
    hidden: (name) => lrIsGuess && (name === 'lr' || name === 'x30'),
  });
  if (context === undefined) {
    return undefined;
  }
  for (const name of ['pc', 'lr', 'fp']) {
    const value = context.get(name);
    if (value !== undefined) {
      context.set(name, value & step.pointerMask);
    }
  }
  return { context, trust: 'cfi' };
}

/**
 * The first caller from lr. A leaf function keeps its return address in
 * lr and does not touch fp, so the frame-record chain starting at fp
 * skips its caller. lr is taken as the caller when the callee is the
 * context frame, lr looks like a return address, and the frame record
 * at fp does not already return to it. With symbols, an lr inside the
 * crashing function itself (left behind by an earlier call) is refused.
 *
 * LIMITATION: without symbols, an lr left behind by a call that already
 * returned into the crashing function adds one frame in that function,
 * as Breakpad's arm64 walker does.
 */
async function byLinkRegister(step: UnwindStep): Promise<Found | undefined> {
  const { callee } = step;
  const regs = callee.context;
  const rawLr = regs.get('lr');
  const sp = regs.sp;
  if (callee.trust !== 'context' || rawLr === undefined || sp === undefined) {
    return undefined;
  }
  const lr = rawLr & step.pointerMask;
  if (isImplausibleArm64Pc(lr) || lr === regs.ip) {
    return undefined;
  }
  const fp = regs.fp;
  if (fp !== undefined && fp !== 0n) {
    const saved = readStack(step, fp + WORD);
    if (saved !== undefined && (saved & step.pointerMask) === lr) {
      return undefined;
    }
  }
  if (!(await step.symbols.isPlausibleReturnAddress(lr))) {
    return undefined;
  }
  if (await insideCalleeFunction(step, lr - 4n)) {
    return undefined;
  }
  const registers: Record<string, bigint> = { pc: lr, sp };
  if (fp !== undefined) {
    registers.fp = fp;
  }
  return {
    context: CpuContext.create('arm64', registers),
    trust: 'frame_pointer',
  };
}

/** True when symbols place `address` in the callee's own function. */
async function insideCalleeFunction(
  step: UnwindStep,
  address: bigint,
): Promise<boolean> {
  const { callee } = step;
  const module = callee.module;
  if (module === undefined || callee.functionBase === undefined) {
    return false;
  }
  if (address < module.base || address >= module.end) {
    return false;
  }
  const table = await step.symbols.tableFor(module);
  const fn = table?.functionAt(Number(address - module.base));
  return (
    fn !== undefined && module.base + BigInt(fn.address) === callee.functionBase
  );
}

/**
 * A frame record {caller fp, return address} sits at fp: pc = [fp + 8],
 * fp = [fp], sp = fp + 16, and the caller's own lr comes from its frame
 * record. Like Breakpad, the recovered stack pointer is not checked.
 */
function byFramePointer(step: UnwindStep): Found | undefined {
  const regs = step.callee.context;
  const lastFp = regs.fp;
  const lastSp = regs.sp;
  if (lastFp === undefined || lastSp === undefined) {
    return undefined;
  }
  if (lastFp >= 0xffffffffffffffffn - 2n * WORD) {
    return undefined;
  }
  if (lastFp === 0n) {
    // No frame record: the chain has ended here, so scanning gets a try.
    return undefined;
  }
  const rawFp = readStack(step, lastFp);
  const rawPc = readStack(step, lastFp + WORD);
  if (rawFp === undefined || rawPc === undefined) {
    return undefined;
  }
  const fp = rawFp & step.pointerMask;
  const pc = rawPc & step.pointerMask;
  if (isImplausibleArm64Pc(pc)) {
    return undefined;
  }
  const registers: Record<string, bigint> = {
    pc,
    fp,
    sp: lastFp + 2n * WORD,
  };
  const lr = fp === 0n ? undefined : readStack(step, fp + WORD);
  if (lr !== undefined) {
    registers.lr = lr & step.pointerMask;
  }
  return {
    context: CpuContext.create('arm64', registers),
    trust: 'frame_pointer',
  };
}

/** Scanning; unlike x86, fp is not recovered (as in Breakpad). */
async function byScan(step: UnwindStep): Promise<Found | undefined> {
  const lastSp = step.callee.context.sp;
  if (lastSp === undefined) {
    return undefined;
  }
  const hit = await scanForReturnAddress(
    step,
    lastSp,
    (pc) => !isImplausibleArm64Pc(pc),
  );
  if (hit === undefined) {
    return undefined;
  }
  return {
    context: CpuContext.create('arm64', {
      pc: hit.value,
      sp: hit.address + WORD,
    }),
    trust: 'scan',
  };
}
