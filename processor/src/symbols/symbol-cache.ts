/**
 * A memory-bounded LRU cache of parsed symbol tables, keyed by module
 * (`<debug file>/<DEBUG ID>`). Sizes are estimates given by the caller.
 */
import { emitSymbolEvent, type SymbolEventListener } from './events.js';

/** Options of {@link SymbolCache}. */
export interface SymbolCacheOptions {
  /** Budget for the estimated size of everything cached, in bytes. */
  readonly maxBytes: number;
  /** Receives cache-hit, cache-miss and cache-evict events. */
  readonly onEvent?: SymbolEventListener;
}

interface Entry<V> {
  readonly value: V;
  readonly bytes: number;
}

/** Least-recently-used cache bounded by total estimated bytes. */
export class SymbolCache<V> {
  // A Map iterates in insertion order; re-inserting on use keeps the least
  // recently used entry first.
  private readonly entries = new Map<string, Entry<V>>();
  private total = 0;

  constructor(private readonly options: SymbolCacheOptions) {
    if (!(options.maxBytes >= 0)) {
      throw new RangeError('SymbolCache: maxBytes must be 0 or more');
    }
  }

  /** Estimated bytes held now. */
  get bytes(): number {
    return this.total;
  }

  /** Number of entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached value, marking it most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      emitSymbolEvent(this.options.onEvent, {
        type: 'cache-miss',
        module: key,
      });
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    emitSymbolEvent(this.options.onEvent, { type: 'cache-hit', module: key });
    return entry.value;
  }

  /** True when `key` is cached; does not count as a use. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Caches a value, evicting the least recently used entries until the
   * budget holds. A value larger than the whole budget is not cached.
   */
  set(key: string, value: V, bytes: number): void {
    this.delete(key);
    if (bytes > this.options.maxBytes) {
      return;
    }
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.total <= this.options.maxBytes) {
        break;
      }
      this.entries.delete(oldKey);
      this.total -= old.bytes;
      emitSymbolEvent(this.options.onEvent, {
        type: 'cache-evict',
        module: oldKey,
        bytes: old.bytes,
      });
    }
  }

  /** Removes one entry; returns whether it was there. */
  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return false;
    }
    this.entries.delete(key);
    this.total -= entry.bytes;
    return true;
  }

  /** Removes everything. */
  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
