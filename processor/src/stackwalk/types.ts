/**
 * The stack walker's data: frames, per-thread call stacks and the result
 * of walking a whole dump.
 */
import type {
  CpuContext,
  Minidump,
  MinidumpModule,
} from '../minidump/index.js';
import type { ModuleSymbolStatus, SymbolSupplier } from '../symbols/index.js';

/**
 * How a frame was found, named as rust-minidump's JSON names it. `none`
 * is written `non` there (sic); this walker never produces it, nor
 * `prewalked` or `cfi_scan`, which exist for schema parity.
 */
export type FrameTrust =
  | 'context'
  | 'prewalked'
  | 'cfi'
  | 'cfi_scan'
  | 'frame_pointer'
  | 'scan'
  | 'non';

/** The `Found by:` text of each trust in the human output. */
export const TRUST_DESCRIPTIONS: Readonly<Record<FrameTrust, string>> = {
  context: 'given as instruction pointer in context',
  prewalked: 'recovered by external stack walker',
  cfi: 'call frame info',
  cfi_scan: 'call frame info with scanning',
  frame_pointer: "previous frame's frame pointer",
  scan: 'stack scanning',
  non: 'unknown',
};

/** A function inlined into a frame's function at the frame's address. */
export interface InlineFrame {
  readonly functionName: string;
  readonly sourceFile: string | undefined;
  readonly sourceLine: number | undefined;
}

/** One physical frame of a call stack, with what symbols say about it. */
export class StackFrame {
  /** The module holding `instruction`, once symbolized. */
  module: MinidumpModule | undefined;
  functionName: string | undefined;
  /** Absolute address of the function's first byte. */
  functionBase: bigint | undefined;
  /** Bytes of arguments the function pops (STACK WIN unwinding uses it). */
  parameterSize: number | undefined;
  sourceFile: string | undefined;
  sourceLine: number | undefined;
  /** Absolute address where the source line's code starts. */
  sourceLineBase: bigint | undefined;
  /** Inlined calls at this address, deepest callee first. */
  inlines: InlineFrame[] = [];
  /** For a frame outside every loaded module: unloaded module → offsets. */
  unloadedModules = new Map<string, bigint[]>();

  /**
   * @param context - the registers recovered for this frame
   * @param trust - how the frame was found
   * @param instruction - the address symbols are looked up at: the exact
   *   instruction pointer for the context frame, the return address minus
   *   one (x86, amd64) or four (arm64) for callers
   */
  constructor(
    readonly context: CpuContext,
    readonly trust: FrameTrust,
    readonly instruction: bigint,
  ) {}

  /** Where execution resumes in this frame: the raw instruction pointer. */
  get resumeAddress(): bigint {
    return this.context.ip ?? this.instruction;
  }
}

/** Why a thread has the frames it has. */
export type CallStackInfo =
  /** Walked from a context. */
  | 'ok'
  /** The thread has no readable CPU context: no frames. */
  | 'missing_context'
  /** No stack memory: only the context frame. */
  | 'missing_memory'
  /** The CPU has no unwinder here: only the context frame. */
  | 'unsupported_cpu'
  /** The thread that wrote the dump: its stack is the handler's, skipped. */
  | 'dump_thread_skipped';

/** The walked stack of one thread. */
export interface ThreadStack {
  readonly threadId: number;
  readonly threadName: string | undefined;
  /** GetLastError() of the thread as a name, e.g. `ERROR_SUCCESS`. */
  readonly lastErrorValue: string | undefined;
  readonly info: CallStackInfo;
  /** Innermost frame first. */
  readonly frames: readonly StackFrame[];
  /** True when the walk stopped at the frame limit. */
  readonly truncated: boolean;
}

/** Options of `stackwalk`. */
export interface StackwalkOptions {
  /** Where symbol files come from; without it nothing is symbolized. */
  readonly symbols?: SymbolSupplier;
  /** Most frames walked per thread (default 1024). */
  readonly maxFrames?: number;
}

/**
 * The outcome of walking one dump. `status` is `OK` or an error slug in
 * the style of Breakpad's process results:
 * - `ERROR_NO_MINIDUMP_HEADER`: the header or stream directory cannot be
 *   read; nothing else is known (`dump` is undefined);
 * - `ERROR_NO_THREAD_LIST`: the dump has no usable thread list; modules,
 *   system and crash information are still reported.
 */
export interface StackwalkResult {
  readonly status: string;
  /** Human-readable detail of an error status. */
  readonly error: string | undefined;
  readonly dump: Minidump | undefined;
  /** One per thread of the thread list, in list order. */
  readonly threads: readonly ThreadStack[];
  /** Index in `threads` of the crashing (or dump-requesting) thread. */
  readonly requestingThread: number | undefined;
  /**
   * What happened when symbols were asked for each module, by module
   * index; absent for modules never asked about (or without a supplier).
   */
  readonly moduleSymbols: ReadonlyMap<number, ModuleSymbolStatus>;
  /** How long the walk took, in milliseconds. */
  readonly durationMs: number;
}
