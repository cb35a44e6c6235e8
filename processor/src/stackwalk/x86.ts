/**
 * Finding the caller of an x86 frame: STACK WIN, then STACK CFI, then the
 * ebp chain, then stack scanning. Addresses are 32-bit: anything that
 * would pass 0xffffffff fails instead of wrapping.
 */
import { CpuContext } from '../minidump/index.js';
import { unwindWithStackCfi } from './stack-cfi.js';
import { unwindWithStackWin, X86_CALLEE_SAVED } from './stack-win.js';
import { scanForReturnAddress } from './scan.js';
import { StackFrame, type FrameTrust } from './types.js';
import { readStack, type UnwindStep } from './unwind-context.js';

const WORD = 4n;
const U32 = 0xffffffffn;
/** 99.5% of x86 frames are smaller than this (Breakpad's measurement). */
const MAX_FRAME_GAP = 128n * 1024n;
const NULL_PAGE = 4096n;

interface Found {
  readonly context: CpuContext;
  readonly trust: FrameTrust;
}

/** The caller of `step.callee`, or undefined at the end of the stack. */
export async function x86Caller(
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
  return new StackFrame(found.context, found.trust, ip - 1n);
}

/** STACK WIN first (it describes Windows frames best), then STACK CFI. */
async function byCfi(step: UnwindStep): Promise<Found | undefined> {
  if (step.callee.context.sp === undefined) {
    return undefined;
  }
  const context =
    (await unwindWithStackWin(step)) ??
    (await unwindWithStackCfi(step, { calleeSaved: X86_CALLEE_SAVED }));
  return context && { context, trust: 'cfi' };
}

/**
 * ebp points at the saved caller ebp, the return address above it. Like
 * Breakpad and rust-minidump, nothing more is checked: stricter checks
 * make scanning invent frames on real Windows dumps.
 */
function byFramePointer(step: UnwindStep): Found | undefined {
  const lastBp = step.callee.context.fp;
  if (lastBp === undefined || lastBp >= U32 - 2n * WORD) {
    return undefined;
  }
  const ip = readStack(step, lastBp + WORD);
  const bp = readStack(step, lastBp);
  if (ip === undefined || bp === undefined) {
    return undefined;
  }
  const context = CpuContext.create('x86', {
    eip: ip,
    esp: lastBp + 2n * WORD,
    ebp: bp,
  });
  return { context, trust: 'frame_pointer' };
}

async function byScan(step: UnwindStep): Promise<Found | undefined> {
  const callee = step.callee.context;
  const lastSp = callee.sp;
  if (lastSp === undefined) {
    return undefined;
  }
  const lastBp = callee.fp;
  const hit = await scanForReturnAddress(step, lastSp, () => true);
  if (hit === undefined || hit.address + WORD > U32) {
    return undefined;
  }
  const sp = hit.address + WORD;
  const registers: Record<string, bigint> = { eip: hit.value, esp: sp };
  // Recover ebp: a pushed ebp just below the return address that points
  // a plausible distance up the stack, else a callee ebp above the frame.
  if (hit.index > 0) {
    const bpAddress = hit.address - WORD;
    const bp = readStack(step, bpAddress);
    if (bp === undefined) {
      return undefined;
    }
    if (bp > hit.address && bp - bpAddress <= MAX_FRAME_GAP) {
      if (readStack(step, bp) !== undefined) {
        registers.ebp = bp;
      }
    } else if (
      lastBp !== undefined &&
      lastBp >= sp &&
      readStack(step, lastBp) !== undefined
    ) {
      registers.ebp = lastBp;
    }
  }
  return { context: CpuContext.create('x86', registers), trust: 'scan' };
}
