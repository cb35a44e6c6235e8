/**
 * The stack walker's entry point: reads a minidump, picks the context of
 * every thread (the exception context for the crashing one) and walks
 * each stack.
 */
import {
  isMinidumpError,
  readMinidump,
  StreamType,
  streamName,
  type CpuContext,
  type MemoryRegion,
  type Minidump,
  type MinidumpThread,
} from '../minidump/index.js';
import { pointerMaskOf } from './arm64.js';
import { lastErrorName } from './last-error.js';
import { Symbolizer } from './symbolizer.js';
import type {
  StackwalkOptions,
  StackwalkResult,
  ThreadStack,
} from './types.js';
import { walkThread, type WalkEnvironment } from './walk-thread.js';

/** Frames per thread when the options name no limit. */
export const DEFAULT_MAX_FRAMES = 1024;

/**
 * Walks every thread of a minidump. Never rejects for a damaged dump:
 * a file whose header or stream directory cannot be read gives status
 * `ERROR_NO_MINIDUMP_HEADER`, one without a thread list
 * `ERROR_NO_THREAD_LIST`, and damaged streams or stacks give fewer
 * frames. The symbol supplier is asked once per module that a frame (or
 * a scan candidate) falls in.
 */
export async function stackwalk(
  dump: Uint8Array,
  options: StackwalkOptions = {},
): Promise<StackwalkResult> {
  const started = performance.now();
  let minidump: Minidump;
  try {
    const bytes = Buffer.from(dump.buffer, dump.byteOffset, dump.byteLength);
    minidump = readMinidump(bytes);
  } catch (err) {
    if (!isMinidumpError(err)) {
      throw err;
    }
    return {
      status: 'ERROR_NO_MINIDUMP_HEADER',
      error: err.message,
      dump: undefined,
      threads: [],
      requestingThread: undefined,
      moduleSymbols: new Map(),
      durationMs: performance.now() - started,
    };
  }
  const symbols = new Symbolizer(minidump, options.symbols);
  const env: WalkEnvironment = {
    dump: minidump,
    symbols,
    os: minidump.os,
    pointerMask: pointerMaskOf(minidump),
    maxFrames: Math.max(1, Math.floor(options.maxFrames ?? DEFAULT_MAX_FRAMES)),
  };
  const { threads, requestingThread } = await walkThreads(minidump, env);
  const noThreadList = !hasThreadList(minidump);
  return {
    status: noThreadList ? 'ERROR_NO_THREAD_LIST' : 'OK',
    error: noThreadList ? 'the dump has no readable thread list' : undefined,
    dump: minidump,
    threads,
    requestingThread,
    moduleSymbols: symbols.moduleStatuses,
    durationMs: performance.now() - started,
  };
}

function hasThreadList(dump: Minidump): boolean {
  if (dump.threads.length > 0) {
    return true;
  }
  const name = streamName(StreamType.ThreadList);
  return (
    dump.streamEntry(StreamType.ThreadList) !== undefined &&
    !dump.softErrors.some((e) => e.stream === name)
  );
}

async function walkThreads(
  dump: Minidump,
  env: WalkEnvironment,
): Promise<{ threads: ThreadStack[]; requestingThread: number | undefined }> {
  // The crashing thread is the exception's; without an exception, the
  // thread that asked for the dump.
  const crashingId =
    dump.exception?.threadId ?? dump.breakpadInfo?.requestingThreadId;
  let requestingThread: number | undefined;
  const threads: ThreadStack[] = [];
  for (const [index, thread] of dump.threads.entries()) {
    const base = {
      threadId: thread.id,
      threadName: thread.name,
      lastErrorValue:
        thread.lastErrorValue === undefined
          ? undefined
          : lastErrorName(thread.lastErrorValue),
    };
    if (dump.isDumpWriterThread(thread)) {
      threads.push({
        ...base,
        info: 'dump_thread_skipped',
        frames: [],
        truncated: false,
      });
      continue;
    }
    let context = thread.context;
    if (crashingId === thread.id) {
      requestingThread = index;
      // The thread list holds the handler's registers for this thread.
      context = dump.exception?.context ?? context;
    }
    if (context === undefined) {
      threads.push({
        ...base,
        info: 'missing_context',
        frames: [],
        truncated: false,
      });
      continue;
    }
    const stack = stackMemory(dump, thread, context);
    const walked = await walkThread(context, stack, env);
    threads.push({
      ...base,
      info: stack === undefined ? 'missing_memory' : 'ok',
      frames: walked.frames,
      truncated: walked.truncated,
    });
  }
  return { threads, requestingThread };
}

/**
 * The memory a walk reads: the thread's stack, unless the context's stack
 * pointer lies elsewhere (an exception context can point into another
 * region, e.g. an alternate signal stack), then the region holding it.
 */
function stackMemory(
  dump: Minidump,
  thread: MinidumpThread,
  context: CpuContext,
): MemoryRegion | undefined {
  const width = context.pointerWidth;
  const sp = context.sp;
  let region = thread.stack;
  if (sp !== undefined && region?.readPointer(sp, width) === undefined) {
    region = dump.memory.find(sp, width) ?? region;
  }
  return region === undefined || region.bytes.length === 0 ? undefined : region;
}
