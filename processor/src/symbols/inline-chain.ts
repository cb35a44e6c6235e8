/**
 * Resolves the INLINE records of one function at an offset into the chain
 * of inlined calls, outermost first, and moves source locations the way
 * Breakpad and rust-minidump report them: every frame shows where it is
 * executing, which for all but the innermost is the next call site.
 */
import type { InlineColumns } from './table-data.js';
import type { SymInlineFrame } from './types.js';

/** Name used when an INLINE names an origin the file does not define. */
export const OMITTED_NAME = '<name omitted>';

/** A source position; both parts may be unknown. */
export interface SourcePosition {
  readonly file: string | undefined;
  readonly line: number | undefined;
}

/** The inline chain at an offset and the outer function's location. */
export interface InlineResolution {
  readonly frames: SymInlineFrame[];
  readonly outer: SourcePosition;
}

/** Context for resolving names of files and origins. */
export interface InlineNames {
  readonly files: ReadonlyMap<number, string>;
  readonly origins: ReadonlyMap<number, string>;
}

/**
 * Indices of the INLINE ranges covering `offset`, one per depth from 0 down
 * to the first depth with none. A linear scan over the function's ranges:
 * lookups are few per crash, while sorting every function's ranges would
 * slow down every parse.
 */
function coveringRanges(
  cols: InlineColumns,
  offset: number,
  from: number,
  to: number,
): number[] {
  const byDepth: number[] = [];
  for (let k = from; k < to; k++) {
    const start = cols.start[k] ?? 0;
    if (offset < start || offset >= (cols.end[k] ?? 0)) {
      continue;
    }
    const depth = cols.depth[k] ?? 0;
    if (byDepth[depth] === undefined) {
      byDepth[depth] = k;
    }
  }
  const found: number[] = [];
  for (const k of byDepth) {
    if (k === undefined) {
      break;
    }
    found.push(k);
  }
  return found;
}

/**
 * The inlined calls of one function covering `offset`.
 *
 * @param cols - The INLINE columns of the table.
 * @param from - First INLINE entry of the function.
 * @param to - One past its last entry.
 * @param offset - Module offset being looked up.
 * @param lineRecord - Location from the line record covering the offset.
 * @param names - File and origin names.
 */
export function resolveInlines(
  cols: InlineColumns,
  from: number,
  to: number,
  offset: number,
  lineRecord: SourcePosition,
  names: InlineNames,
): InlineResolution {
  if (from >= to) {
    return { frames: [], outer: lineRecord };
  }
  const found = coveringRanges(cols, offset, from, to);
  const sites = found.map((k): SourcePosition => {
    const fileId = cols.callFile[k] ?? -1;
    return {
      // The older format has no call-site file; Breakpad then keeps the
      // line record's file for every frame, and so do we.
      file: fileId < 0 ? lineRecord.file : names.files.get(fileId),
      line: cols.callLine[k] ?? 0,
    };
  });
  const frames = found.map((k, n): SymInlineFrame => {
    const site = sites[n] as SourcePosition;
    const here = sites[n + 1] ?? lineRecord;
    return {
      name: names.origins.get(cols.origin[k] ?? -1) ?? OMITTED_NAME,
      address: cols.start[k] ?? 0,
      depth: cols.depth[k] ?? 0,
      callFile: site.file,
      callLine: site.line ?? 0,
      file: here.file,
      line: here.line,
    };
  });
  return { frames, outer: sites[0] ?? lineRecord };
}
