/**
 * Collects the records of a symbol file in file order and produces the
 * sorted tables of a SymbolTable. The parser decides what a line says; the
 * builder decides where it belongs and how the tables are ordered.
 */
import { NumberColumn, sortColumnRange } from './columns.js';
import {
  gather,
  gatherItems,
  orderDroppingOverlaps,
  type RangeOrder,
} from './range-order.js';
import { CfiBuilder, WinBuilder } from './stack-builder.js';
import type { FuncColumns, SymbolTableData } from './table-data.js';
import type {
  StackWinRecord,
  SymCodeId,
  SymModule,
  SymStats,
} from './types.js';

/** Counters the parser updates directly. */
export interface ParseCounters {
  lines: number;
  malformed: number;
  ignored: number;
}

/** Accumulates records; call {@link SymBuilder.finish} once at the end. */
export class SymBuilder {
  module: SymModule | undefined;
  codeId: SymCodeId | undefined;
  readonly counters: ParseCounters = { lines: 0, malformed: 0, ignored: 0 };
  private readonly files = new Map<number, string>();
  private readonly origins = new Map<number, string>();
  private oldInlineFormat = false;

  private readonly fStart = new NumberColumn();
  private readonly fEnd = new NumberColumn();
  private readonly fParam = new NumberColumn();
  private readonly fMultiple = new NumberColumn();
  private readonly fLineFrom = new NumberColumn();
  private readonly fLineTo = new NumberColumn();
  private readonly fInlineFrom = new NumberColumn();
  private readonly fInlineTo = new NumberColumn();
  private readonly fNames: string[] = [];
  private inlineRecords = 0;
  private pending = { depth: 0, callLine: 0, callFile: -1, origin: 0 };
  private pendingMark = 0;

  private readonly lStart = new NumberColumn(1024);
  private readonly lEnd = new NumberColumn(1024);
  private readonly lLine = new NumberColumn(1024);
  private readonly lFile = new NumberColumn(1024);

  private readonly iDepth = new NumberColumn();
  private readonly iStart = new NumberColumn();
  private readonly iEnd = new NumberColumn();
  private readonly iCallLine = new NumberColumn();
  private readonly iCallFile = new NumberColumn();
  private readonly iOrigin = new NumberColumn();

  private readonly pAddress = new NumberColumn();
  private readonly pParam = new NumberColumn();
  private readonly pMultiple = new NumberColumn();
  private readonly pNames: string[] = [];

  private readonly cfi = new CfiBuilder();
  private readonly win4 = new WinBuilder();
  private readonly win0 = new WinBuilder();

  addFile(id: number, name: string): void {
    this.files.set(id, name);
  }

  /** Keeps the text after the id; the older format's file id is cut later. */
  addInlineOrigin(id: number, text: string): void {
    this.origins.set(id, text);
  }

  addFunc(
    address: number,
    size: number,
    parameterSize: number,
    multiple: boolean,
    name: string,
  ): void {
    this.closeFunc();
    this.fStart.push(address);
    this.fEnd.push(address + size);
    this.fParam.push(parameterSize);
    this.fMultiple.push(multiple ? 1 : 0);
    this.fNames.push(name);
    this.fLineFrom.push(this.lStart.length);
    this.fLineTo.push(this.lStart.length);
    this.fInlineFrom.push(this.iStart.length);
    this.fInlineTo.push(this.iStart.length);
  }

  /** Adds a line record; false when no FUNC came before it. */
  addLine(address: number, size: number, line: number, file: number): boolean {
    if (this.fNames.length === 0) {
      return false;
    }
    // Zero-size line records (common in PDB output) cover nothing.
    if (size > 0) {
      this.lStart.push(address);
      this.lEnd.push(address + size);
      this.lLine.push(line);
      this.lFile.push(file);
    }
    return true;
  }

  /**
   * Starts an INLINE record; its ranges follow through
   * {@link SymBuilder.addInlineRange}. False when no FUNC came before it.
   * Records need not come in tree order (rustc's output lists a deeper
   * level long after its parent), so depth is not checked here.
   */
  beginInline(
    depth: number,
    callLine: number,
    callFile: number | undefined,
    origin: number,
  ): boolean {
    if (this.fNames.length === 0) {
      return false;
    }
    this.inlineRecords++;
    if (callFile === undefined) {
      this.oldInlineFormat = true;
    }
    this.pending = { depth, callLine, callFile: callFile ?? -1, origin };
    this.pendingMark = this.iStart.length;
    return true;
  }

  /** Adds one `<address> <size>` range of the INLINE record begun last. */
  addInlineRange(start: number, size: number): void {
    const p = this.pending;
    this.iDepth.push(p.depth);
    this.iStart.push(start);
    this.iEnd.push(start + size);
    this.iCallLine.push(p.callLine);
    this.iCallFile.push(p.callFile);
    this.iOrigin.push(p.origin);
  }

  /** Drops the INLINE record begun last (a later field was malformed). */
  abandonInline(): void {
    for (const col of [
      this.iDepth,
      this.iStart,
      this.iEnd,
      this.iCallLine,
      this.iCallFile,
      this.iOrigin,
    ]) {
      col.truncate(this.pendingMark);
    }
    this.inlineRecords--;
  }

  addPublic(
    address: number,
    parameterSize: number,
    multiple: boolean,
    name: string,
  ): void {
    this.pAddress.push(address);
    this.pParam.push(parameterSize);
    this.pMultiple.push(multiple ? 1 : 0);
    this.pNames.push(name);
  }

  addCfiInit(address: number, size: number, rules: string): void {
    this.cfi.addInit(address, size, rules);
  }

  addCfiDelta(address: number, rules: string): boolean {
    return this.cfi.addDelta(address, rules);
  }

  addStackWin(record: StackWinRecord): void {
    (record.type === 4 ? this.win4 : this.win0).add(record);
  }

  /** Ends the current function: records its extent, sorts its lines. */
  private closeFunc(): void {
    const f = this.fNames.length - 1;
    if (f < 0) {
      return;
    }
    const lineFrom = this.fLineFrom.get(f);
    this.fLineTo.set(f, this.lStart.length);
    const ls = this.lStart.raw;
    sortColumnRange(
      lineFrom,
      this.lStart.length,
      (a, b) => (ls[a] ?? 0) - (ls[b] ?? 0),
      [this.lStart, this.lEnd, this.lLine, this.lFile],
    );
    this.fInlineTo.set(f, this.iStart.length);
  }

  /** Builds the finished tables. */
  finish(sourceBytes: number): SymbolTableData {
    this.closeFunc();
    const funcs = orderDroppingOverlaps({ start: this.fStart, end: this.fEnd });
    const publics = this.orderPublics();
    // Finished before stats(), which reads how many records each dropped.
    const cfi = this.cfi.finish();
    const winFrameData = this.win4.finish();
    const winFpo = this.win0.finish();
    return {
      module: this.module,
      codeId: this.codeId,
      files: this.files,
      inlineOrigins: this.finishOrigins(),
      funcs: this.funcColumns(funcs),
      lines: {
        start: this.lStart.toFloat64(),
        end: this.lEnd.toFloat64(),
        line: this.lLine.toFloat64(),
        file: this.lFile.toInt32(),
      },
      inlines: {
        depth: this.iDepth.toInt32(),
        start: this.iStart.toFloat64(),
        end: this.iEnd.toFloat64(),
        callLine: this.iCallLine.toFloat64(),
        callFile: this.iCallFile.toInt32(),
        origin: this.iOrigin.toInt32(),
      },
      publics: {
        address: gather(this.pAddress, publics),
        parameterSize: gather(this.pParam, publics),
        multiple: Uint8Array.from(gather(this.pMultiple, publics)),
        names: gatherItems(this.pNames, publics),
      },
      cfi,
      winFrameData,
      winFpo,
      stats: this.stats(funcs.dropped),
      sourceBytes,
    };
  }

  /** FUNC columns in the order (and with the ends) ordering chose. */
  private funcColumns({ order, ends }: RangeOrder): FuncColumns {
    const ints = (col: NumberColumn): Int32Array =>
      Int32Array.from(gather(col, order));
    return {
      start: gather(this.fStart, order),
      end: ends,
      parameterSize: gather(this.fParam, order),
      multiple: Uint8Array.from(gather(this.fMultiple, order)),
      names: gatherItems(this.fNames, order),
      lineFrom: ints(this.fLineFrom),
      lineTo: ints(this.fLineTo),
      inlineFrom: ints(this.fInlineFrom),
      inlineTo: ints(this.fInlineTo),
    };
  }

  /** PUBLIC records by address; the first of several at one address wins. */
  private orderPublics(): number[] {
    const addr = this.pAddress;
    const sorted = Array.from({ length: addr.length }, (_, i) => i).sort(
      (a, b) => addr.get(a) - addr.get(b) || a - b,
    );
    return sorted.filter(
      (i, k) => k === 0 || addr.get(sorted[k - 1] ?? 0) !== addr.get(i),
    );
  }

  /**
   * The older INLINE_ORIGIN format put a file id before the name. Files
   * whose INLINE records lack call-site files use that format throughout.
   */
  private finishOrigins(): Map<number, string> {
    if (!this.oldInlineFormat) {
      return this.origins;
    }
    const out = new Map<number, string>();
    for (const [id, text] of this.origins) {
      out.set(id, text.replace(/^\d+[ \t]+/, ''));
    }
    return out;
  }

  private stats(funcsDropped: number): SymStats {
    return {
      ...this.counters,
      overlapsDropped:
        funcsDropped + this.cfi.dropped + this.win4.dropped + this.win0.dropped,
      files: this.files.size,
      inlineOrigins: this.origins.size,
      functions: this.fNames.length,
      lineRecords: this.lStart.length,
      inlines: this.inlineRecords,
      publics: this.pNames.length,
      cfiInit: this.cfi.initCount,
      cfiDelta: this.cfi.deltaCount,
      stackWin: this.win4.count + this.win0.count,
    };
  }
}
