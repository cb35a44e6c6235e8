/**
 * The SymbolSupplier the processor uses: tries its sources in order, parses
 * and checks what they deliver, and keeps parsed tables in a memory-bounded
 * cache. Concurrent requests for one module share one load.
 */
import { emitSymbolEvent, type SymbolEventListener } from './events.js';
import { symbolKey, type SymbolKey } from '@crashstats/common';
import { SymbolCache } from './symbol-cache.js';
import { SymbolTable } from './symbol-table.js';
import type {
  SymbolFetchResult,
  SymbolLookupResult,
  SymbolSource,
  SymbolsCorrupt,
  SymbolsFound,
  SymbolSupplier,
} from './supplier.js';

/** Misses remembered at most (about 100 bytes each). */
const MAX_REMEMBERED_MISSES = 100_000;

/** Estimated memory of a cached "corrupt" answer. */
const CORRUPT_ENTRY_BYTES = 1024;

/** Options of {@link CachingSymbolSupplier}. */
export interface CachingSymbolSupplierOptions {
  /** Tried in order; the first that has a usable file wins. */
  readonly sources: readonly SymbolSource[];
  /** Memory budget for parsed tables, in bytes (default 512 MiB). */
  readonly cacheMaxBytes?: number;
  /**
   * A file with more malformed lines than this share of its lines is
   * refused as corrupt (default 0.5). Fewer are skipped and tolerated.
   */
  readonly maxMalformedRatio?: number;
  /**
   * How long a "corrupt" answer is kept before the sources are asked again
   * (default 10 minutes), so a file fixed in a store is picked up.
   */
  readonly corruptTtlMs?: number;
  /**
   * How long a definitive "missing" answer (every source said it has no
   * file, none failed) is kept before the sources are asked again
   * (default 5 minutes; 0 asks every time). A dump names dozens of system
   * modules nobody has symbols for; without this each crash would ask every
   * source for each of them again.
   */
  readonly missTtlMs?: number;
  /** Receives cache, fetch, parse and lookup events. */
  readonly onEvent?: SymbolEventListener;
  /** Clock for the corrupt TTL; `Date.now` by default. */
  readonly now?: () => number;
}

type Cached = SymbolsFound | SymbolsCorrupt;

/** Sources in order, behind a cache of parsed tables. */
export class CachingSymbolSupplier implements SymbolSupplier {
  private readonly cache: SymbolCache<Cached>;
  private readonly loading = new Map<string, Promise<SymbolLookupResult>>();
  private readonly maxMalformedRatio: number;
  /** When each cached corrupt answer stops being used. */
  private readonly corruptUntil = new Map<string, number>();
  private readonly now: () => number;
  /** When each remembered miss stops being used, oldest first. */
  private readonly missUntil = new Map<string, number>();

  constructor(private readonly options: CachingSymbolSupplierOptions) {
    this.cache = new SymbolCache<Cached>({
      maxBytes: options.cacheMaxBytes ?? 512 * 1024 * 1024,
      onEvent: options.onEvent,
    });
    this.maxMalformedRatio = options.maxMalformedRatio ?? 0.5;
    this.now = options.now ?? Date.now;
  }

  /** Estimated bytes of the parsed tables cached now. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  async get(debugFile: string, debugId: string): Promise<SymbolLookupResult> {
    const key = symbolKey(debugFile, debugId);
    if (key === undefined) {
      const missing = { status: 'missing', errors: [] } as const;
      return this.report(`${debugFile}/${debugId}`, missing);
    }
    const cached = this.cached(key.id);
    if (cached !== undefined) {
      return this.report(key.id, { ...cached, fromCache: true });
    }
    if (this.rememberedMiss(key.id)) {
      return this.report(key.id, { status: 'missing', errors: [] });
    }
    let pending = this.loading.get(key.id);
    if (pending === undefined) {
      pending = this.load(key).finally(() => this.loading.delete(key.id));
      this.loading.set(key.id, pending);
    }
    return this.report(key.id, await pending);
  }

  /** A cached answer, unless it is a corrupt one past its TTL. */
  private cached(id: string): Cached | undefined {
    const cached = this.cache.get(id);
    if (cached?.status !== 'corrupt') {
      return cached;
    }
    if ((this.corruptUntil.get(id) ?? 0) > this.now()) {
      return cached;
    }
    this.cache.delete(id);
    this.corruptUntil.delete(id);
    return undefined;
  }

  private async load(key: SymbolKey): Promise<SymbolLookupResult> {
    const errors: string[] = [];
    let corrupt: SymbolsCorrupt | undefined;
    for (const source of this.options.sources) {
      const result = await this.tryFetch(source, key);
      if (result.kind === 'error') {
        errors.push(`${source.name}: ${result.message}`);
        emitSymbolEvent(this.options.onEvent, {
          type: 'source-error',
          module: key.id,
          source: source.name,
          message: result.message,
        });
        continue;
      }
      if (result.kind === 'missing') {
        continue;
      }
      const answer = this.accept(key, source, result.data, result.location);
      if (answer.status === 'found') {
        this.corruptUntil.delete(key.id);
        this.cache.set(key.id, answer, answer.table.estimatedBytes);
        return answer;
      }
      await source.discard?.(key).catch(() => undefined);
      corrupt ??= answer;
    }
    if (corrupt !== undefined) {
      this.cache.set(key.id, corrupt, CORRUPT_ENTRY_BYTES);
      const ttl = this.options.corruptTtlMs ?? 10 * 60 * 1000;
      this.corruptUntil.set(key.id, this.now() + ttl);
      return corrupt;
    }
    if (errors.length === 0) {
      this.rememberMiss(key.id);
    }
    return { status: 'missing', errors };
  }

  private rememberedMiss(id: string): boolean {
    const until = this.missUntil.get(id);
    if (until === undefined) {
      return false;
    }
    if (until > this.now()) {
      return true;
    }
    this.missUntil.delete(id);
    return false;
  }

  private rememberMiss(id: string): void {
    const ttl = this.options.missTtlMs ?? 5 * 60 * 1000;
    if (ttl <= 0) {
      return;
    }
    this.missUntil.delete(id);
    this.missUntil.set(id, this.now() + ttl);
    // Bounded: the oldest entries go first (a Map keeps insertion order).
    for (const oldest of this.missUntil.keys()) {
      if (this.missUntil.size <= MAX_REMEMBERED_MISSES) {
        break;
      }
      this.missUntil.delete(oldest);
    }
  }

  private async tryFetch(
    source: SymbolSource,
    key: SymbolKey,
  ): Promise<SymbolFetchResult> {
    const started = performance.now();
    try {
      const result = await source.fetch(key);
      if (result.kind === 'found') {
        emitSymbolEvent(this.options.onEvent, {
          type: 'fetch',
          module: key.id,
          source: source.name,
          bytes: result.data.length,
          durationMs: performance.now() - started,
          fromDiskCache: result.fromDiskCache ?? false,
        });
      }
      return result;
    } catch (err) {
      return { kind: 'error', message: errorMessage(err) };
    }
  }

  /** Parses and checks a delivered file. */
  private accept(
    key: SymbolKey,
    source: SymbolSource,
    data: Buffer,
    location: string,
  ): SymbolsFound | SymbolsCorrupt {
    const started = performance.now();
    const where = { source: source.name, location, fromCache: false };
    let table: SymbolTable;
    try {
      table = SymbolTable.parse(data);
    } catch (err) {
      return { status: 'corrupt', reason: errorMessage(err), ...where };
    }
    emitSymbolEvent(this.options.onEvent, {
      type: 'parse',
      module: key.id,
      bytes: data.length,
      durationMs: performance.now() - started,
      malformedLines: table.stats.malformed,
    });
    const reason = this.refusal(key, table);
    return reason === undefined
      ? { status: 'found', table, ...where }
      : { status: 'corrupt', reason, ...where };
  }

  /** Why a parsed file cannot serve this module, if it cannot. */
  private refusal(key: SymbolKey, table: SymbolTable): string | undefined {
    const { stats, module } = table;
    if (stats.malformed > this.maxMalformedRatio * stats.lines) {
      return `${stats.malformed} of ${stats.lines} lines are malformed`;
    }
    if (module === undefined) {
      const records =
        stats.functions + stats.publics + stats.cfiInit + stats.stackWin;
      return records === 0 ? 'not a symbol file' : undefined;
    }
    if (module.debugId !== key.debugId) {
      return `debug id mismatch: file has ${module.debugId}`;
    }
    return undefined;
  }

  private report(
    module: string,
    result: SymbolLookupResult,
  ): SymbolLookupResult {
    emitSymbolEvent(this.options.onEvent, {
      type: 'lookup',
      module,
      status: result.status,
    });
    return result;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
