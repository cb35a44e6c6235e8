/**
 * ExceptionStream: which thread crashed, how, and its CPU context at the
 * moment of the crash.
 */
import { readContext } from './context/read-context.js';
import type { CpuContext } from './context/cpu-context.js';
import { isEmptyLocation, readLocation } from './location.js';
import { requireSize, tryEntry, type StreamContext } from './stream-context.js';

const EXCEPTION_STREAM_SIZE = 168;
const MAX_PARAMETERS = 15;

/** The parsed ExceptionStream. */
export interface ExceptionInfo {
  /** OS id of the crashing (or dump-requesting) thread. */
  readonly threadId: number;
  /** NTSTATUS (Windows), signal number (Linux) or Mach exception (macOS). */
  readonly code: number;
  /** Windows exception flags, Linux si_code, macOS code[0]. */
  readonly flags: number;
  /** Address of a nested exception record (Windows). */
  readonly recordAddress: bigint;
  /** Where the exception happened (Linux/macOS: the faulting address). */
  readonly address: bigint;
  /** number_parameters as stored (may exceed the 15 that exist). */
  readonly numberParameters: number;
  /** The first min(number_parameters, 15) exception_information values. */
  readonly parameters: readonly bigint[];
  /**
   * The thread's context at the crash. Use this, not the thread list
   * context, for the crashing thread.
   */
  readonly context: CpuContext | undefined;
}

/** Parses the stream; a bad context is a soft error only. */
export function parseException(
  ctx: StreamContext,
  processorArchitecture: number | undefined,
): ExceptionInfo {
  requireSize(ctx, EXCEPTION_STREAM_SIZE);
  const d = ctx.data;
  const numberParameters = d.u32(32);
  const contextLocation = readLocation(d, 160);
  const context = isEmptyLocation(contextLocation)
    ? undefined
    : tryEntry(ctx, 0, () =>
        readContext(
          ctx.file.sub(
            contextLocation.rva,
            contextLocation.size,
            'exception context',
          ),
          processorArchitecture,
        ),
      );
  return {
    threadId: d.u32(0),
    code: d.u32(8),
    flags: d.u32(12),
    recordAddress: d.u64(16),
    address: d.u64(24),
    numberParameters,
    parameters: d.u64Array(40, Math.min(numberParameters, MAX_PARAMETERS)),
    context,
  };
}
