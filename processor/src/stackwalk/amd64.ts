/**
 * Finding the caller of an amd64 frame: STACK CFI, then the rbp chain,
 * then stack scanning, with rust-minidump's sanity checks.
 */
import { CpuContext } from '../minidump/index.js';
import { unwindWithStackCfi } from './stack-cfi.js';
import { StackFrame, type FrameTrust } from './types.js';
import { readStack, type UnwindStep } from './unwind-context.js';
import { scanForReturnAddress } from './scan.js';

const CALLEE_SAVED = ['rbx', 'rbp', 'r12', 'r13', 'r14', 'r15'];
const WORD = 8n;
/** A frame bigger than this is not believed when recovering rbp. */
const MAX_FRAME_GAP = 128n * 1024n;
/** Below this an instruction pointer is taken for the end of the stack. */
const NULL_PAGE = 4096n;

/**
 * True for addresses no user-mode pointer can hold: with 48-bit virtual
 * addresses, bits 63..47 must all equal bit 47.
 */
export function isNonCanonicalAmd64(address: bigint): boolean {
  return address > 0x7fffffffffffn && address < 0xffff800000000000n;
}

/** The caller of `step.callee`, or undefined at the end of the stack. */
export async function amd64Caller(
  step: UnwindStep,
): Promise<StackFrame | undefined> {
  const callee = step.callee.context;
  const found =
    (await byCfi(step)) ?? byFramePointer(step) ?? (await byScan(step));
  if (found === undefined) {
    return undefined;
  }
  const ip = found.context.ip ?? 0n;
  const sp = found.context.sp ?? 0n;
  if (ip < NULL_PAGE || sp <= (callee.sp ?? 0n)) {
    return undefined;
  }
  // The return address follows the call; one byte back is inside it.
  return new StackFrame(found.context, found.trust, ip - 1n);
}

interface Found {
  readonly context: CpuContext;
  readonly trust: FrameTrust;
}

async function byCfi(step: UnwindStep): Promise<Found | undefined> {
  if (step.callee.context.sp === undefined) {
    return undefined;
  }
  const context = await unwindWithStackCfi(step, {
    calleeSaved: CALLEE_SAVED,
  });
  return context && { context, trust: 'cfi' };
}

/**
 * The standard frame: rbp points at the saved caller rbp, with the return
 * address above it. On Windows rbp may point up to 240 bytes into the
 * frame in 16-byte steps, so those positions are tried too.
 */
function byFramePointer(step: UnwindStep): Found | undefined {
  const callee = step.callee.context;
  const lastBp = callee.fp;
  const lastSp = callee.sp;
  if (lastBp === undefined || lastSp === undefined) {
    return undefined;
  }
  if (lastBp >= 0xffffffffffffffffn - 2n * WORD) {
    return undefined;
  }
  const steps = step.os === 'windows' ? 16 : 1;
  for (let i = 0; i < steps; i++) {
    const at = lastBp + BigInt(i) * 2n * WORD;
    const ip = readStack(step, at + WORD);
    const bp = readStack(step, at);
    if (ip === undefined || bp === undefined) {
      return undefined;
    }
    const sp = at + 2n * WORD;
    // Coherent frame pointers are ordered: caller bp at or above its sp.
    if (sp <= lastBp || bp < sp) {
      continue;
    }
    if (readStack(step, bp) === undefined) {
      return undefined;
    }
    if (isNonCanonicalAmd64(ip)) {
      continue;
    }
    if (sp <= lastSp || readStack(step, sp) === undefined) {
      continue;
    }
    const context = CpuContext.create('amd64', { rip: ip, rsp: sp, rbp: bp });
    return { context, trust: 'frame_pointer' };
  }
  return undefined;
}

async function byScan(step: UnwindStep): Promise<Found | undefined> {
  const callee = step.callee.context;
  const lastSp = callee.sp;
  if (lastSp === undefined) {
    return undefined;
  }
  const lastBp = callee.fp;
  const hit = await scanForReturnAddress(
    step,
    lastSp,
    (ip) => !isNonCanonicalAmd64(ip),
  );
  if (hit === undefined) {
    return undefined;
  }
  const sp = hit.address + WORD;
  const registers: Record<string, bigint> = { rip: hit.value, rsp: sp };
  // Recover rbp when the slot below the return address held a pushed rbp
  // that the callee's rbp points at, or keep a callee rbp that lies above
  // the new frame (the function did not touch it).
  if (lastBp !== undefined && hit.index > 0) {
    const bpAddress = hit.address - WORD;
    const bp = readStack(step, bpAddress);
    if (bp === undefined) {
      return undefined;
    }
    if (
      lastBp === bpAddress &&
      bp > hit.address &&
      bp - bpAddress <= MAX_FRAME_GAP
    ) {
      if (readStack(step, bp) !== undefined) {
        registers.rbp = bp;
      }
    } else if (lastBp >= sp) {
      registers.rbp = lastBp;
    }
  }
  return {
    context: CpuContext.create('amd64', registers),
    trust: 'scan',
  };
}
