/**
 * Interfaces between symbol sources (folders, the platform's store, HTTP
 * symbol servers) and their users (stack walker, symbolicator).
 */
import type { SymbolKey } from '@crashstats/common';
import type { SymbolTable } from './symbol-table.js';

/** What one source says about one module's symbol file. */
export type SymbolFetchResult =
  | {
      readonly kind: 'found';
      readonly data: Buffer;
      /** Where it came from: a path or URL, for logs and reports. */
      readonly location: string;
      /** True when an HTTP source served it from its disk cache. */
      readonly fromDiskCache?: boolean;
    }
  /** The source definitely does not have it. */
  | { readonly kind: 'missing' }
  /** The source could not tell (network, timeout, server or I/O error). */
  | { readonly kind: 'error'; readonly message: string };

/** One place symbol files can come from, in symbol-server layout. */
export interface SymbolSource {
  /** Short description for results and events, e.g. `http:https://…`. */
  readonly name: string;
  /** Looks the file up; resolves (never rejects) with what it found. */
  fetch(key: SymbolKey): Promise<SymbolFetchResult>;
  /** Forgets any cached copy of a file that turned out to be unusable. */
  discard?(key: SymbolKey): Promise<void>;
}

/** A usable symbol file. */
export interface SymbolsFound {
  readonly status: 'found';
  readonly table: SymbolTable;
  /** Name of the source that delivered it. */
  readonly source: string;
  /** Path or URL it was read from. */
  readonly location: string;
  /** True when served from the memory cache of parsed tables. */
  readonly fromCache: boolean;
}

/** No source had the file. */
export interface SymbolsMissing {
  readonly status: 'missing';
  /**
   * Errors met on the way (e.g. a server timed out). When not empty the
   * answer is not definitive and was not cached.
   */
  readonly errors: readonly string[];
}

/** A file was found but could not be used. */
export interface SymbolsCorrupt {
  readonly status: 'corrupt';
  readonly source: string;
  readonly location: string;
  /** Why it was refused, e.g. `debug id mismatch`. */
  readonly reason: string;
  readonly fromCache: boolean;
}

/** The answer for one module. */
export type SymbolLookupResult = SymbolsFound | SymbolsMissing | SymbolsCorrupt;

/** Finds parsed symbols for a module. */
export interface SymbolSupplier {
  /**
   * Symbols for the module with this debug file and debug id. Resolves
   * (never rejects) with found, missing or corrupt.
   */
  get(debugFile: string, debugId: string): Promise<SymbolLookupResult>;
}
