/**
 * Events the symbol cache and sources report, so the service can count them
 * (cache hits and misses, bytes fetched, failures) without this folder
 * depending on a metrics library.
 */

/** One thing that happened while supplying symbols. */
export type SymbolEvent =
  /** A parsed table was served from the memory cache. */
  | { readonly type: 'cache-hit'; readonly module: string }
  /** The memory cache did not hold the module. */
  | { readonly type: 'cache-miss'; readonly module: string }
  /** A table was dropped from the memory cache to stay within its budget. */
  | {
      readonly type: 'cache-evict';
      readonly module: string;
      readonly bytes: number;
    }
  /** A source delivered a symbol file. */
  | {
      readonly type: 'fetch';
      readonly module: string;
      readonly source: string;
      readonly bytes: number;
      readonly durationMs: number;
      /** True when an HTTP source served it from its disk cache. */
      readonly fromDiskCache: boolean;
    }
  /** An HTTP source answered from its cache of recent misses. */
  | {
      readonly type: 'miss-cache-hit';
      readonly module: string;
      readonly source: string;
    }
  /** A source failed (network error, timeout, server error, I/O error). */
  | {
      readonly type: 'source-error';
      readonly module: string;
      readonly source: string;
      readonly message: string;
    }
  /** An HTTP source's disk cache went over its bound and was pruned. */
  | {
      readonly type: 'disk-cache-pruned';
      readonly source: string;
      readonly removedFiles: number;
      readonly removedBytes: number;
    }
  /** A symbol file was parsed. */
  | {
      readonly type: 'parse';
      readonly module: string;
      readonly bytes: number;
      readonly durationMs: number;
      readonly malformedLines: number;
    }
  /** The final answer for a module: found, missing or corrupt. */
  | {
      readonly type: 'lookup';
      readonly module: string;
      readonly status: 'found' | 'missing' | 'corrupt';
    };

/** Receives events; it must not throw (errors it throws are ignored). */
export type SymbolEventListener = (event: SymbolEvent) => void;

/** Calls a listener, if any, shielding the caller from its errors. */
export function emitSymbolEvent(
  listener: SymbolEventListener | undefined,
  event: SymbolEvent,
): void {
  if (!listener) {
    return;
  }
  try {
    listener(event);
  } catch {
    // NOTE: a faulty metrics hook must not break symbolication.
  }
}
