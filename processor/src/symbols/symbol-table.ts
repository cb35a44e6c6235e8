/**
 * An indexed, parsed symbol file: what the stack walker and symbolicator
 * ask about module offsets. Lookups are binary searches over sorted
 * typed arrays (the few INLINE ranges of one function are scanned).
 */
import { applyCfiDelta, parseCfiRuleSet } from './cfi-rules.js';
import { lastAtOrBefore } from './columns.js';
import { resolveInlines, type SourcePosition } from './inline-chain.js';
import { STRING_OVERHEAD } from './stack-builder.js';
import { parseSymbolData } from './sym-parser.js';
import type { SymbolTableData, WinColumns } from './table-data.js';
import type {
  CfiRules,
  StackWinRecord,
  SymCodeId,
  SymFunction,
  SymLookup,
  SymModule,
  SymStats,
} from './types.js';

/** Parsed symbol file with lookups by module-relative offset. */
export class SymbolTable {
  /** The MODULE record, when the file has one. */
  readonly module: SymModule | undefined;
  /** The `INFO CODE_ID` record, when the file has one. */
  readonly codeId: SymCodeId | undefined;
  /** What parsing found, including malformed and ignored line counts. */
  readonly stats: SymStats;
  /** Approximate memory held by this table, for cache accounting. */
  readonly estimatedBytes: number;
  private readonly data: SymbolTableData;

  constructor(data: SymbolTableData) {
    this.data = data;
    this.module = data.module;
    this.codeId = data.codeId;
    this.stats = data.stats;
    this.estimatedBytes = estimateBytes(data);
  }

  /** Parses symbol file text (bytes or a string) into a table. */
  static parse(input: Uint8Array | string): SymbolTable {
    return new SymbolTable(parseSymbolData(input));
  }

  /** Size of the parsed text in bytes. */
  get sourceBytes(): number {
    return this.data.sourceBytes;
  }

  /** Name of a FILE record by id. */
  fileName(id: number): string | undefined {
    return this.data.files.get(id);
  }

  /**
   * The function at `offset` without source lines: a FUNC covering it, else
   * the nearest PUBLIC at or before it that no FUNC start cuts off.
   */
  functionAt(offset: number): SymFunction | undefined {
    const f = this.funcIndex(offset);
    return f >= 0 ? this.funcAt(f) : this.publicAt(offset);
  }

  /**
   * Everything known at `offset`: function, source file and line, and the
   * inlined calls covering it (outermost first). Undefined when neither a
   * FUNC nor a usable PUBLIC covers the offset.
   */
  lookup(offset: number): SymLookup | undefined {
    const f = this.funcIndex(offset);
    if (f < 0) {
      const fn = this.publicAt(offset);
      return fn && { ...NO_SOURCE, function: fn };
    }
    const { funcs, lines, files } = this.data;
    const from = funcs.lineFrom[f] ?? 0;
    const l = lastAtOrBefore(lines.start, offset, from, funcs.lineTo[f] ?? 0);
    const covered = l >= from && offset < (lines.end[l] ?? 0);
    const lineRecord: SourcePosition = covered
      ? { file: files.get(lines.file[l] ?? -1), line: lines.line[l] }
      : { file: undefined, line: undefined };
    const inline = resolveInlines(
      this.data.inlines,
      funcs.inlineFrom[f] ?? 0,
      funcs.inlineTo[f] ?? 0,
      offset,
      lineRecord,
      { files, origins: this.data.inlineOrigins },
    );
    return {
      function: this.funcAt(f),
      file: inline.outer.file,
      line: inline.outer.line,
      lineAddress: covered ? lines.start[l] : undefined,
      inlines: inline.frames,
    };
  }

  /**
   * CFI rules in effect at `offset`: the STACK CFI INIT record covering it
   * with every delta row at or before the offset applied, as register →
   * expression (`.cfa`, `.ra`, `$rbp`…). Undefined when no INIT covers it
   * or its rules are malformed.
   */
  cfiAt(offset: number): CfiRules | undefined {
    const { cfi } = this.data;
    const i = lastAtOrBefore(cfi.start, offset);
    if (i < 0 || offset >= (cfi.end[i] ?? 0)) {
      return undefined;
    }
    const rules = parseCfiRuleSet(cfi.rules[i] ?? '');
    if (rules === undefined) {
      return undefined;
    }
    const to = cfi.deltaTo[i] ?? 0;
    for (let d = cfi.deltaFrom[i] ?? 0; d < to; d++) {
      if ((cfi.deltaAddress[d] ?? Infinity) > offset) {
        break;
      }
      applyCfiDelta(rules, cfi.deltaRules[d] ?? '');
    }
    return rules;
  }

  /**
   * The STACK WIN record covering `offset`. Without `type`, a FrameData
   * record (type 4) is preferred over an FPO one (type 0), as Breakpad does.
   */
  winFrameAt(offset: number, type?: 0 | 4): StackWinRecord | undefined {
    if (type !== 0) {
      const r = winRecordAt(this.data.winFrameData, 4, offset);
      if (r !== undefined || type === 4) {
        return r;
      }
    }
    return winRecordAt(this.data.winFpo, 0, offset);
  }

  /** True when the file has STACK CFI or STACK WIN records. */
  get hasUnwindInfo(): boolean {
    const { cfi, winFrameData, winFpo } = this.data;
    return (
      cfi.start.length + winFrameData.start.length + winFpo.start.length > 0
    );
  }

  /** Index of the FUNC covering `offset`, or -1. */
  private funcIndex(offset: number): number {
    const { start, end } = this.data.funcs;
    const f = lastAtOrBefore(start, offset);
    return f >= 0 && offset < (end[f] ?? 0) ? f : -1;
  }

  private funcAt(f: number): SymFunction {
    const { funcs } = this.data;
    const address = funcs.start[f] ?? 0;
    return {
      name: funcs.names[f] ?? '',
      address,
      size: (funcs.end[f] ?? address) - address,
      parameterSize: funcs.parameterSize[f] ?? 0,
      isMultiple: funcs.multiple[f] === 1,
      kind: 'func',
    };
  }

  /**
   * A PUBLIC symbol has no size: it runs until the next symbol. The nearest
   * PUBLIC at or before `offset` applies unless a FUNC starts between it
   * and the offset (at or after the PUBLIC's address).
   */
  private publicAt(offset: number): SymFunction | undefined {
    const { publics, funcs } = this.data;
    const p = lastAtOrBefore(publics.address, offset);
    if (p < 0) {
      return undefined;
    }
    const address = publics.address[p] ?? 0;
    const f = lastAtOrBefore(funcs.start, offset);
    if (f >= 0 && (funcs.start[f] ?? 0) >= address) {
      return undefined;
    }
    return {
      name: publics.names[p] ?? '',
      address,
      size: undefined,
      parameterSize: publics.parameterSize[p] ?? 0,
      isMultiple: publics.multiple[p] === 1,
      kind: 'public',
    };
  }
}

const NO_SOURCE = {
  file: undefined,
  line: undefined,
  lineAddress: undefined,
  inlines: [],
} as const;

function winRecordAt(
  cols: WinColumns,
  type: 0 | 4,
  offset: number,
): StackWinRecord | undefined {
  const i = lastAtOrBefore(cols.start, offset);
  if (i < 0 || offset >= (cols.end[i] ?? 0)) {
    return undefined;
  }
  const address = cols.start[i] ?? 0;
  const program = cols.program[i] ?? -1;
  return {
    type,
    address,
    size: (cols.end[i] ?? address) - address,
    prologSize: cols.prologSize[i] ?? 0,
    epilogSize: cols.epilogSize[i] ?? 0,
    parameterSize: cols.parameterSize[i] ?? 0,
    savedRegisterSize: cols.savedRegisterSize[i] ?? 0,
    localSize: cols.localSize[i] ?? 0,
    maxStackSize: cols.maxStackSize[i] ?? 0,
    programString: program >= 0 ? cols.programs[program] : undefined,
    allocatesBasePointer: cols.allocatesBasePointer[i] === 1,
  };
}

/** Bytes of typed arrays plus an estimate for every kept string. */
function estimateBytes(data: SymbolTableData): number {
  let bytes = 1024;
  const strings = (items: Iterable<string>): void => {
    for (const s of items) {
      bytes += s.length + STRING_OVERHEAD;
    }
  };
  const { cfi, winFrameData, winFpo } = data;
  for (const group of [
    data.funcs,
    data.lines,
    data.inlines,
    data.publics,
    cfi,
    winFrameData,
    winFpo,
  ]) {
    for (const value of Object.values(group)) {
      if (ArrayBuffer.isView(value)) {
        bytes += value.byteLength;
      }
    }
  }
  strings(data.funcs.names);
  strings(data.publics.names);
  strings(winFrameData.programs);
  strings(winFpo.programs);
  // Rule texts are shared between records: count them once, plus a slot.
  bytes += cfi.textBytes + 8 * (cfi.rules.length + cfi.deltaRules.length);
  strings(data.files.values());
  strings(data.inlineOrigins.values());
  return bytes + (data.files.size + data.inlineOrigins.size) * 16;
}
