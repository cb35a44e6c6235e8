/**
 * The platform's own symbol store (symbol files uploaded to CrashStats),
 * seen as a SymbolSource.
 */
import type { Readable } from 'node:stream';
import type { SymbolKey } from '@crashstats/common';
import type { SymbolFetchResult, SymbolSource } from './supplier.js';

/** Storage of uploaded symbol files, keyed like a symbol server. */
export interface SymbolStore {
  /**
   * Opens the symbol file of a module, or resolves null when the store has
   * none. `debugFile` is the file name (no directories) and `debugId` the
   * uppercase id without dashes.
   */
  open(debugFile: string, debugId: string): Promise<Readable | Buffer | null>;
}

/** Options of {@link StoreSymbolSource}. */
export interface StoreSymbolSourceOptions {
  /** Name in results and events (default `store`). */
  readonly name?: string;
  /** Files larger than this are refused as errors (default 2 GiB). */
  readonly maxBytes?: number;
}

/** Adapts a {@link SymbolStore} to the SymbolSource interface. */
export class StoreSymbolSource implements SymbolSource {
  readonly name: string;
  private readonly maxBytes: number;

  constructor(
    private readonly store: SymbolStore,
    options: StoreSymbolSourceOptions = {},
  ) {
    this.name = options.name ?? 'store';
    this.maxBytes = options.maxBytes ?? 2 * 1024 * 1024 * 1024;
  }

  async fetch(key: SymbolKey): Promise<SymbolFetchResult> {
    try {
      const opened = await this.store.open(key.debugFile, key.debugId);
      if (opened === null) {
        return { kind: 'missing' };
      }
      const data = Buffer.isBuffer(opened)
        ? opened
        : await readAll(opened, this.maxBytes);
      return { kind: 'found', data, location: `${this.name}:${key.path}` };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'error', message };
    }
  }
}

/** Collects a stream into one Buffer, failing past `maxBytes`. */
export async function readAll(
  stream: Readable,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk as Uint8Array | string);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new Error(`symbol file larger than ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
