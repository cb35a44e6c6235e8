/**
 * Walks one thread: the context frame, then callers until no unwinding
 * method finds one, a sanity check ends the walk, or the frame limit is
 * reached. Every frame is symbolized before its caller is looked for
 * (unwinding uses the function's parameter size and CFI).
 */
import type {
  ContextCpu,
  CpuContext,
  MemoryRegion,
  Minidump,
  OsKind,
} from '../minidump/index.js';
import { amd64Caller } from './amd64.js';
import { arm64Caller } from './arm64.js';
import type { Symbolizer } from './symbolizer.js';
import { StackFrame } from './types.js';
import type { UnwindStep } from './unwind-context.js';
import { x86Caller } from './x86.js';

/** What stays the same for every thread of a dump. */
export interface WalkEnvironment {
  readonly dump: Minidump;
  readonly symbols: Symbolizer;
  readonly os: OsKind;
  readonly pointerMask: bigint;
  readonly maxFrames: number;
}

/** The frames of one walked thread. */
export interface WalkedStack {
  readonly frames: StackFrame[];
  /** True when a caller existed past the frame limit. */
  readonly truncated: boolean;
}

const unwinders: Readonly<
  Record<ContextCpu, (step: UnwindStep) => Promise<StackFrame | undefined>>
> = {
  x86: x86Caller,
  amd64: amd64Caller,
  arm64: arm64Caller,
};

/**
 * Walks from `context`. Without stack memory only the context frame is
 * returned.
 */
export async function walkThread(
  context: CpuContext,
  stack: MemoryRegion | undefined,
  env: WalkEnvironment,
): Promise<WalkedStack> {
  const first = new StackFrame(context, 'context', context.ip ?? 0n);
  const frames = [first];
  const unwind = unwinders[context.cpu];
  for (;;) {
    const callee = frames[frames.length - 1] ?? first;
    await env.symbols.symbolize(callee);
    if (stack === undefined) {
      return { frames, truncated: false };
    }
    const caller = await unwind({
      callee,
      grandCallee: frames[frames.length - 2],
      stack,
      dump: env.dump,
      symbols: env.symbols,
      os: env.os,
      pointerMask: env.pointerMask,
    });
    if (caller === undefined) {
      return { frames, truncated: false };
    }
    if (frames.length >= env.maxFrames) {
      return { frames, truncated: true };
    }
    frames.push(caller);
  }
}
