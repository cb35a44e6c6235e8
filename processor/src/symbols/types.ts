/**
 * Plain data types of parsed Breakpad symbol files. Addresses and sizes are
 * module-relative offsets held as JS numbers.
 */

/** The MODULE record: which binary a symbol file describes. */
export interface SymModule {
  /** As written: `windows`, `Linux`, `mac`, `Mac`, `ios`, `android`… */
  readonly os: string;
  /** As written: `x86`, `x86_64`, `arm`, `arm64`… */
  readonly cpu: string;
  /** Breakpad debug identifier, uppercased (usually 33 hex digits). */
  readonly debugId: string;
  /** Debug file name (PDB name on Windows, binary name elsewhere). */
  readonly debugFile: string;
}

/** The `INFO CODE_ID` record. */
export interface SymCodeId {
  readonly codeId: string;
  /** Code file name when the record names one. */
  readonly codeFile: string | undefined;
}

/** A STACK WIN record (Windows x86 frame information). */
export interface StackWinRecord {
  /** 4 = FrameData (program string), 0 = FPO. */
  readonly type: 0 | 4;
  readonly address: number;
  readonly size: number;
  readonly prologSize: number;
  readonly epilogSize: number;
  readonly parameterSize: number;
  readonly savedRegisterSize: number;
  readonly localSize: number;
  readonly maxStackSize: number;
  /** The postfix program of a FrameData record. */
  readonly programString: string | undefined;
  /** For FPO records: whether the function uses EBP as a frame pointer. */
  readonly allocatesBasePointer: boolean;
}

/** CFI rules in effect at one address: register name → postfix expression. */
export type CfiRules = ReadonlyMap<string, string>;

/** Counts gathered while parsing; they describe the file, not the lookups. */
export interface SymStats {
  /** Lines read, blank ones included. */
  readonly lines: number;
  /** Lines that looked like a known record but could not be parsed. */
  readonly malformed: number;
  /** Lines of unknown record types, skipped. */
  readonly ignored: number;
  /** Records dropped because their range overlapped one kept earlier. */
  readonly overlapsDropped: number;
  readonly files: number;
  readonly inlineOrigins: number;
  readonly functions: number;
  readonly lineRecords: number;
  readonly inlines: number;
  readonly publics: number;
  readonly cfiInit: number;
  readonly cfiDelta: number;
  readonly stackWin: number;
}

/** The function (FUNC, or PUBLIC as a fallback) found at an offset. */
export interface SymFunction {
  readonly name: string;
  readonly address: number;
  /** Size of a FUNC; undefined for a PUBLIC symbol, which has none. */
  readonly size: number | undefined;
  /** Parameter size as written in the FUNC or PUBLIC record. */
  readonly parameterSize: number;
  /** The `m` flag: several symbols share this code (identical folding). */
  readonly isMultiple: boolean;
  readonly kind: 'func' | 'public';
}

/** One inlined call covering an offset. */
export interface SymInlineFrame {
  /** Name of the inlined function (from INLINE_ORIGIN). */
  readonly name: string;
  /** Start of the INLINE address range that covers the offset. */
  readonly address: number;
  /** Nesting depth: 0 = inlined directly into the FUNC. */
  readonly depth: number;
  /** Where the call was made, in the enclosing function. */
  readonly callFile: string | undefined;
  readonly callLine: number;
  /**
   * Where execution is inside this inlined function: the next deeper call
   * site, or the line record for the innermost one.
   */
  readonly file: string | undefined;
  readonly line: number | undefined;
}

/** Everything known about one module offset. */
export interface SymLookup {
  readonly function: SymFunction;
  /**
   * Source location in the outer function. With inlining this is the call
   * site of the outermost inlined call, as Breakpad and rust-minidump
   * report it; otherwise the line record's.
   */
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** The line record covering the offset (its start), when there is one. */
  readonly lineAddress: number | undefined;
  /** Inlined calls covering the offset, outermost first. */
  readonly inlines: readonly SymInlineFrame[];
}
