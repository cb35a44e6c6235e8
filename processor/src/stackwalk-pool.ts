/**
 * The main-thread side of stack walking: a pool of worker threads, each
 * with its own symbol cache, behind the `WalkMinidump` function the
 * minidump rule calls. A walk past its time limit or heap limit costs that
 * worker (it is replaced), never the processor.
 */
import type { ProcessorMetrics } from './metrics.js';
import type { JsonDump, WalkMinidump } from './rules/minidump.js';
import type { SymbolSettings } from './symbol-sources.js';
import { siblingModule, WorkerPool } from './worker-pool.js';

/** Settings each worker receives. */
export interface StackwalkWorkerData {
  readonly symbols: SymbolSettings;
  /** The platform's symbol store; absent when it is not used. */
  readonly store?: {
    readonly url: string;
    readonly database: string;
    readonly timeoutMs: number;
  };
  /** Frames walked per thread at most. */
  readonly maxFrames: number;
}

/** One walk request; the dump's bytes are transferred, not copied. */
export interface StackwalkJob {
  readonly dump: ArrayBuffer;
}

/** What the symbol layer did during one walk. */
export interface SymbolCounts {
  cacheHits: number;
  fetched: number;
  missing: number;
  corrupt: number;
  bytes: number;
}

/** A walk's answer. */
export interface StackwalkJobResult {
  readonly json: JsonDump;
  readonly walkMs: number;
  readonly symbols: SymbolCounts;
}

/** Options of {@link createStackwalkPool}. */
export interface StackwalkPoolOptions {
  readonly workers: number;
  readonly timeoutMs: number;
  readonly maxHeapMb: number;
  readonly workerData: StackwalkWorkerData;
  readonly metrics?: ProcessorMetrics;
}

/** A running pool and the walk function over it. */
export interface StackwalkPool {
  readonly walk: WalkMinidump;
  close(): Promise<void>;
}

/** Starts the workers. */
export function createStackwalkPool(
  options: StackwalkPoolOptions,
): StackwalkPool {
  const pool = new WorkerPool<StackwalkJob, StackwalkJobResult>({
    script: siblingModule(import.meta.url, 'stackwalk-worker'),
    size: options.workers,
    timeoutMs: options.timeoutMs,
    maxHeapMb: options.maxHeapMb,
    workerData: options.workerData,
  });
  const metrics = options.metrics;
  const walk: WalkMinidump = async (dump) => {
    // A private copy: the caller's buffer may be a view into a larger
    // pooled allocation, which cannot be transferred.
    const bytes = new Uint8Array(dump.length);
    bytes.set(dump);
    const result = await pool.run({ dump: bytes.buffer }, [bytes.buffer]);
    if (metrics !== undefined) {
      metrics.stackwalkSeconds.observe(result.walkMs / 1000);
      const s = result.symbols;
      metrics.symbolLookups.inc({ result: 'cache_hit' }, s.cacheHits);
      metrics.symbolLookups.inc({ result: 'fetched' }, s.fetched);
      metrics.symbolLookups.inc({ result: 'missing' }, s.missing);
      metrics.symbolLookups.inc({ result: 'corrupt' }, s.corrupt);
      metrics.symbolBytes.inc(s.bytes);
    }
    return result.json;
  };
  return { walk, close: () => pool.close() };
}
