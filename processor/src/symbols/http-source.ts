/**
 * An HTTP symbol server in symbol-server layout
 * (`<base URL>/<debug file>/<DEBUG ID>/<name>.sym`), with a disk cache of
 * downloaded files (kept under a size bound, least recently used going
 * first; see disk-cache.ts) and a memory cache of recent misses, so a
 * module without symbols is not requested again for every crash.
 */
import { randomBytes } from 'node:crypto';
import {
  mkdir,
  readFile,
  rename,
  rm,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pruneToSize } from './disk-cache.js';
import { emitSymbolEvent, type SymbolEventListener } from './events.js';
import type { SymbolKey } from '@crashstats/common';
import type { SymbolFetchResult, SymbolSource } from './supplier.js';

/** HTTP statuses that mean "the server has no such file". */
const MISSING_STATUSES = new Set([404, 410]);
/** Most misses remembered; expired ones are pruned first. */
const MAX_MISSES = 50_000;

/** Options of {@link HttpSymbolSource}. */
export interface HttpSymbolSourceOptions {
  /** Server root, e.g. `https://symbols.example.com/try/`. */
  readonly baseUrl: string;
  /** Folder keeping downloaded files in symbol-server layout; none if unset. */
  readonly cacheDir?: string;
  /** Bound of that folder, in bytes (default 2 GiB). */
  readonly cacheMaxBytes?: number;
  /** Time allowed for one request, body included (default 30 s). */
  readonly timeoutMs?: number;
  /** How long a 404 is remembered (default 1 hour; 0 disables). */
  readonly missTtlMs?: number;
  /** Larger files are refused as errors (default 2 GiB). */
  readonly maxBytes?: number;
  /** Extra request headers (e.g. an auth token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Receives miss-cache-hit events, and source-error for disk cache writes. */
  readonly onEvent?: SymbolEventListener;
  /** Clock for the miss cache; `Date.now` by default (tests pass their own). */
  readonly now?: () => number;
}

/** Downloads symbol files from one HTTP symbol server. */
export class HttpSymbolSource implements SymbolSource {
  readonly name: string;
  private readonly base: URL;
  // LIMITATION: misses are remembered per process, in memory: each
  // processor replica asks the server once per module per TTL, and a restart
  // forgets them. See docs/limitations.md.
  private readonly misses = new Map<string, number>();
  private readonly now: () => number;
  /** Bytes written since the folder was last measured; the first write measures it. */
  private writtenSincePrune = Number.POSITIVE_INFINITY;

  constructor(private readonly options: HttpSymbolSourceOptions) {
    const base = new URL(options.baseUrl);
    if (!base.pathname.endsWith('/')) {
      base.pathname += '/';
    }
    this.base = base;
    this.name = `http:${base.href}`;
    this.now = options.now ?? Date.now;
  }

  /** The URL of a module's symbol file on this server. */
  urlOf(key: SymbolKey): URL {
    const parts = [key.debugFile, key.debugId, key.symFile];
    return new URL(parts.map(encodeURIComponent).join('/'), this.base);
  }

  async fetch(key: SymbolKey): Promise<SymbolFetchResult> {
    const cached = await this.readDiskCache(key);
    if (cached !== undefined) {
      return cached;
    }
    const until = this.misses.get(key.id);
    if (until !== undefined && until > this.now()) {
      emitSymbolEvent(this.options.onEvent, {
        type: 'miss-cache-hit',
        module: key.id,
        source: this.name,
      });
      return { kind: 'missing' };
    }
    this.misses.delete(key.id);
    const result = await this.download(key);
    if (result.kind === 'missing') {
      this.rememberMiss(key.id);
    } else if (result.kind === 'found') {
      await this.writeDiskCache(key, result.data);
    }
    return result;
  }

  /** Removes a file from the disk cache (it did not parse). */
  async discard(key: SymbolKey): Promise<void> {
    const path = this.cachePath(key);
    if (path !== undefined) {
      await rm(path, { force: true });
    }
  }

  private async download(key: SymbolKey): Promise<SymbolFetchResult> {
    const url = this.urlOf(key);
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      const response = await fetch(url, {
        headers: this.options.headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return MISSING_STATUSES.has(response.status)
          ? { kind: 'missing' }
          : {
              kind: 'error',
              message: `HTTP ${response.status} from ${url.href}`,
            };
      }
      const data = await readBody(response, this.options.maxBytes);
      return { kind: 'found', data, location: url.href };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      const reason = timedOut
        ? `timed out after ${timeoutMs} ms`
        : err instanceof Error
          ? err.message
          : String(err);
      return { kind: 'error', message: `${url.href}: ${reason}` };
    }
  }

  private rememberMiss(id: string): void {
    const ttl = this.options.missTtlMs ?? 60 * 60 * 1000;
    if (ttl <= 0) {
      return;
    }
    const now = this.now();
    if (this.misses.size >= MAX_MISSES) {
      for (const [key, until] of this.misses) {
        if (until <= now) {
          this.misses.delete(key);
        }
      }
      const oldest = this.misses.keys().next();
      if (this.misses.size >= MAX_MISSES && oldest.done !== true) {
        this.misses.delete(oldest.value);
      }
    }
    this.misses.set(id, now + ttl);
  }

  private cachePath(key: SymbolKey): string | undefined {
    const dir = this.options.cacheDir;
    return dir === undefined
      ? undefined
      : join(dir, key.debugFile, key.debugId, key.symFile);
  }

  private async readDiskCache(
    key: SymbolKey,
  ): Promise<SymbolFetchResult | undefined> {
    const path = this.cachePath(key);
    if (path === undefined) {
      return undefined;
    }
    try {
      const data = await readFile(path);
      // Recently used files are the last the pruning removes.
      const now = new Date(this.now());
      await utimes(path, now, now).catch(() => undefined);
      return { kind: 'found', data, location: path, fromDiskCache: true };
    } catch {
      return undefined;
    }
  }

  /** Writes through a temporary name so readers never see half a file. */
  private async writeDiskCache(key: SymbolKey, data: Buffer): Promise<void> {
    const path = this.cachePath(key);
    if (path === undefined) {
      return;
    }
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, data);
      await rename(temp, path);
      this.writtenSincePrune += data.byteLength;
      await this.pruneWhenDue();
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      emitSymbolEvent(this.options.onEvent, {
        type: 'source-error',
        module: key.id,
        source: this.name,
        message: `disk cache: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }

  /**
   * Measures the folder after the first write and after every tenth of
   * the bound written since, and prunes it when it is over. A download
   * waits for this, which is short next to the download itself.
   */
  private async pruneWhenDue(): Promise<void> {
    const dir = this.options.cacheDir;
    const max = this.options.cacheMaxBytes ?? 2 * 1024 * 1024 * 1024;
    if (dir === undefined || this.writtenSincePrune < max / 10) {
      return;
    }
    this.writtenSincePrune = 0;
    const result = await pruneToSize(dir, max, this.now());
    if (result.removedFiles > 0) {
      emitSymbolEvent(this.options.onEvent, {
        type: 'disk-cache-pruned',
        source: this.name,
        removedFiles: result.removedFiles,
        removedBytes: result.removedBytes,
      });
    }
  }
}

/** Reads a response body into one Buffer, failing past `maxBytes`. */
async function readBody(
  response: Response,
  maxBytes = 2 * 1024 * 1024 * 1024,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`symbol file of ${declared} bytes exceeds ${maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        throw new Error(`symbol file exceeds ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks, total);
}
