/**
 * What every unwinding strategy gets to find the caller of a frame, and
 * helpers shared by the CPU-specific unwinders.
 */
import {
  CpuContext,
  type MemoryRegion,
  type Minidump,
  type OsKind,
} from '../minidump/index.js';
import type { MemoryReader } from '../symbols/index.js';
import type { Symbolizer } from './symbolizer.js';
import type { StackFrame } from './types.js';

/** The inputs of one unwinding step. */
export interface UnwindStep {
  /** The frame whose caller is wanted. */
  readonly callee: StackFrame;
  /** The frame called by `callee`; undefined when `callee` is frame 0. */
  readonly grandCallee: StackFrame | undefined;
  /** The thread's stack: every memory read of a walk comes from here. */
  readonly stack: MemoryRegion;
  readonly dump: Minidump;
  readonly symbols: Symbolizer;
  readonly os: OsKind;
  /** arm64: mask that strips pointer-authentication bits. */
  readonly pointerMask: bigint;
}

/** Reads a pointer-sized value of the stack (undefined when outside). */
export function readStack(
  step: UnwindStep,
  address: bigint,
): bigint | undefined {
  const width = step.callee.context.pointerWidth;
  if (address < 0n || address > maxAddress(width)) {
    return undefined;
  }
  return step.stack.readPointer(address, width);
}

/** A memory reader over the stack, for postfix programs. */
export function stackReader(step: UnwindStep): MemoryReader {
  return (address, size) =>
    size === 4 || size === 8
      ? step.stack.readPointer(address, size)
      : undefined;
}

/** Largest address of a pointer width. */
export function maxAddress(width: 4 | 8): bigint {
  return width === 4 ? 0xffffffffn : 0xffffffffffffffffn;
}

/**
 * A caller context that starts with the callee-saved registers the callee
 * had valid: code that preserves them hands them back unchanged.
 */
export function forwardCalleeSaved(
  callee: CpuContext,
  calleeSaved: readonly string[],
): CpuContext {
  const caller = CpuContext.create(callee.cpu);
  for (const name of calleeSaved) {
    const value = callee.get(name);
    if (value !== undefined) {
      caller.set(name, value);
    }
  }
  return caller;
}
