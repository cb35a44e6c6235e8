/**
 * ThreadListStream and ThreadNamesStream.
 */
import { readContext } from './context/read-context.js';
import type { CpuContext } from './context/cpu-context.js';
import {
  isEmptyLocation,
  readLocation,
  readMinidumpString,
  type Location,
} from './location.js';
import { listLayout, tryEntry, type StreamContext } from './stream-context.js';

const THREAD_SIZE = 48;
const THREAD_NAME_SIZE = 12;

/** A thread entry as stored, before its stack is resolved. */
export interface RawThread {
  readonly id: number;
  readonly suspendCount: number;
  readonly priorityClass: number;
  readonly priority: number;
  /** Thread environment block address (Windows). */
  readonly teb: bigint;
  readonly stackStart: bigint;
  readonly stackLocation: Location;
  /** The thread-list context, when readable. */
  readonly context: CpuContext | undefined;
}

/**
 * Parses the thread list. A thread whose context cannot be decoded is kept
 * without one (and a soft error is recorded).
 */
export function parseThreadList(
  ctx: StreamContext,
  processorArchitecture: number | undefined,
): RawThread[] {
  const { offset, count } = listLayout(ctx, THREAD_SIZE);
  const threads: RawThread[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + i * THREAD_SIZE;
    const d = ctx.data;
    const id = d.u32(at);
    const contextLocation = readLocation(d, at + 40);
    const context = isEmptyLocation(contextLocation)
      ? undefined
      : tryEntry(ctx, i, () =>
          readContext(
            ctx.file.sub(
              contextLocation.rva,
              contextLocation.size,
              `thread ${id} context`,
            ),
            processorArchitecture,
          ),
        );
    threads.push({
      id,
      suspendCount: d.u32(at + 4),
      priorityClass: d.u32(at + 8),
      priority: d.u32(at + 12),
      teb: d.u64(at + 16),
      stackStart: d.u64(at + 24),
      stackLocation: readLocation(d, at + 32),
      context,
    });
  }
  return threads;
}

/**
 * Parses ThreadNamesStream: u32 count, then packed {u32 thread id,
 * u64 RVA of a MINIDUMP_STRING}. Returns names by thread id; a listed
 * thread may have an empty name.
 */
export function parseThreadNames(ctx: StreamContext): Map<number, string> {
  const { offset, count } = listLayout(ctx, THREAD_NAME_SIZE);
  const names = new Map<number, string>();
  for (let i = 0; i < count; i++) {
    const at = offset + i * THREAD_NAME_SIZE;
    const id = ctx.data.u32(at);
    const rva = ctx.data.u64(at + 4);
    const name = tryEntry(ctx, i, () =>
      readMinidumpString(
        ctx.file,
        rva > BigInt(ctx.file.length) ? -1 : Number(rva),
      ),
    );
    if (name !== undefined && !names.has(id)) {
      names.set(id, name);
    }
  }
  return names;
}
