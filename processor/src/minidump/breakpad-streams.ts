/**
 * Breakpad's own streams: BreakpadInfoStream (which threads wrote and
 * requested the dump) and AssertionInfoStream (CRT invalid-parameter and
 * pure-virtual-call reports).
 */
import { requireSize, type StreamContext } from './stream-context.js';

/** The parsed BreakpadInfoStream. */
export interface BreakpadInfo {
  readonly validity: number;
  /** The thread that wrote the dump (its stack is the handler's). */
  readonly dumpThreadId: number | undefined;
  /** The thread that crashed or asked for the dump. */
  readonly requestingThreadId: number | undefined;
}

/** Parses {u32 validity, u32 dump thread, u32 requesting thread}. */
export function parseBreakpadInfo(ctx: StreamContext): BreakpadInfo {
  requireSize(ctx, 12);
  const d = ctx.data;
  const validity = d.u32(0);
  return {
    validity,
    dumpThreadId: validity & 1 ? d.u32(4) : undefined,
    requestingThreadId: validity & 2 ? d.u32(8) : undefined,
  };
}

/** The parsed AssertionInfoStream. */
export interface AssertionInfo {
  readonly expression: string;
  readonly function: string;
  readonly file: string;
  readonly line: number;
  /** 1 invalid parameter, 2 pure virtual call. */
  readonly type: number;
}

const FIELD_BYTES = 256;

/**
 * Parses three UTF-16 [128] arrays, then u32 line and u32 type. Breakpad
 * writes the stream even when nothing was asserted; an all-empty record
 * gives undefined.
 */
export function parseAssertionInfo(
  ctx: StreamContext,
): AssertionInfo | undefined {
  requireSize(ctx, FIELD_BYTES * 3 + 8);
  const d = ctx.data;
  const a: AssertionInfo = {
    expression: d.utf16Fixed(0, FIELD_BYTES),
    function: d.utf16Fixed(FIELD_BYTES, FIELD_BYTES),
    file: d.utf16Fixed(FIELD_BYTES * 2, FIELD_BYTES),
    line: d.u32(FIELD_BYTES * 3),
    type: d.u32(FIELD_BYTES * 3 + 4),
  };
  const empty = !a.expression && !a.function && !a.file && !a.line && !a.type;
  return empty ? undefined : a;
}

/**
 * A one-line description, e.g. `Invalid parameter passed to library
 * function: format != nullptr in common_vfprintf (output.cpp:32)`.
 */
export function describeAssertion(a: AssertionInfo): string {
  const kind =
    a.type === 1
      ? 'Invalid parameter passed to library function'
      : a.type === 2
        ? 'Pure virtual function called'
        : `Unknown assertion type 0x${a.type.toString(16).padStart(8, '0')}`;
  const parts = [
    a.expression,
    a.function ? `in ${a.function}` : '',
    a.file ? `(${a.file}:${a.line})` : '',
  ].filter((p) => p !== '');
  return parts.length === 0 ? kind : `${kind}: ${parts.join(' ')}`;
}
