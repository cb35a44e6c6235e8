/**
 * The finished, sorted columns of a parsed symbol file, as the lookup code
 * reads them. Every range table is sorted by start with no overlaps; the
 * line and INLINE columns are grouped by function (lines sorted in each).
 */
import type { SymCodeId, SymModule, SymStats } from './types.js';

/** FUNC records, sorted by address. */
export interface FuncColumns {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly parameterSize: Float64Array;
  readonly multiple: Uint8Array;
  readonly names: readonly string[];
  /** `[lineFrom, lineTo)` indexes this function's records in LineColumns. */
  readonly lineFrom: Int32Array;
  readonly lineTo: Int32Array;
  /** `[inlineFrom, inlineTo)` indexes its records in InlineColumns. */
  readonly inlineFrom: Int32Array;
  readonly inlineTo: Int32Array;
}

/** Line records; each function's group is sorted by address. */
export interface LineColumns {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly line: Float64Array;
  readonly file: Int32Array;
}

/**
 * INLINE address ranges, one entry per range; each function's group is in
 * file order.
 */
export interface InlineColumns {
  readonly depth: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly callLine: Float64Array;
  /** -1 when the record has no call-site file (the older INLINE format). */
  readonly callFile: Int32Array;
  readonly origin: Int32Array;
}

/** PUBLIC records, sorted by address, one per address. */
export interface PublicColumns {
  readonly address: Float64Array;
  readonly parameterSize: Float64Array;
  readonly multiple: Uint8Array;
  readonly names: readonly string[];
}

/** STACK CFI INIT ranges with the STACK CFI delta rows that follow each. */
export interface CfiColumns {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly rules: readonly string[];
  /** `[deltaFrom, deltaTo)` indexes the deltas of each INIT record. */
  readonly deltaFrom: Int32Array;
  readonly deltaTo: Int32Array;
  /** Delta rows, each INIT's group sorted by address. */
  readonly deltaAddress: Float64Array;
  readonly deltaRules: readonly string[];
  /** Estimated memory of the distinct rule texts (they are shared). */
  readonly textBytes: number;
}

/** STACK WIN records of one type, sorted by address. */
export interface WinColumns {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly prologSize: Float64Array;
  readonly epilogSize: Float64Array;
  readonly parameterSize: Float64Array;
  readonly savedRegisterSize: Float64Array;
  readonly localSize: Float64Array;
  readonly maxStackSize: Float64Array;
  /** Index into `programs`, or -1 when the record has none. */
  readonly program: Int32Array;
  readonly allocatesBasePointer: Uint8Array;
  /** Distinct program strings (they repeat a lot, so they are shared). */
  readonly programs: readonly string[];
}

/** Everything a SymbolTable is built from. */
export interface SymbolTableData {
  readonly module: SymModule | undefined;
  readonly codeId: SymCodeId | undefined;
  readonly files: ReadonlyMap<number, string>;
  readonly inlineOrigins: ReadonlyMap<number, string>;
  readonly funcs: FuncColumns;
  readonly lines: LineColumns;
  readonly inlines: InlineColumns;
  readonly publics: PublicColumns;
  readonly cfi: CfiColumns;
  readonly winFrameData: WinColumns;
  readonly winFpo: WinColumns;
  readonly stats: SymStats;
  /** Size of the parsed text in bytes. */
  readonly sourceBytes: number;
}
