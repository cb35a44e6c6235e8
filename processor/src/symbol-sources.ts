/**
 * Builds the processor's symbol supplier from its settings: local folders
 * first, then the platform's own store (GridFS), then HTTP symbol servers,
 * all behind one memory-bounded cache of parsed tables.
 */
import type { Db } from 'mongodb';
import { GridFsSymbolStore } from '@crashstats/common';
import {
  CachingSymbolSupplier,
  HttpSymbolSource,
  LocalSymbolSource,
  StoreSymbolSource,
  type SymbolEventListener,
  type SymbolSource,
} from './symbols/index.js';

/** Where symbols come from; plain data, so it can cross to a worker. */
export interface SymbolSettings {
  /** Local folders in symbol-server layout, tried first. */
  readonly paths: readonly string[];
  /** HTTP symbol servers in symbol-server layout, tried last. */
  readonly urls: readonly string[];
  /** Disk cache of files fetched over HTTP. */
  readonly httpCacheDir: string;
  /** Bound of that disk cache, in bytes, shared by the servers. */
  readonly httpCacheMaxBytes: number;
  /** Memory bound of the parsed-table cache, in bytes. */
  readonly cacheBytes: number;
  /** How long a definitive miss is remembered. */
  readonly missTtlMs: number;
  /** Per-request time limit of the HTTP sources. */
  readonly httpTimeoutMs: number;
}

/**
 * The supplier for `settings`. `db` adds the platform's store between the
 * local folders and the HTTP servers.
 */
export function createSymbolSupplier(
  settings: SymbolSettings,
  db: Db | undefined,
  onEvent?: SymbolEventListener,
): CachingSymbolSupplier {
  const sources: SymbolSource[] = settings.paths.map(
    (root) => new LocalSymbolSource(root),
  );
  if (db !== undefined) {
    sources.push(new StoreSymbolSource(new GridFsSymbolStore(db)));
  }
  settings.urls.forEach((baseUrl, i) => {
    sources.push(
      new HttpSymbolSource({
        baseUrl,
        // One folder per server, so two servers never share cached files.
        cacheDir: `${settings.httpCacheDir}/${i}`,
        cacheMaxBytes: Math.floor(
          settings.httpCacheMaxBytes / settings.urls.length,
        ),
        timeoutMs: settings.httpTimeoutMs,
        onEvent,
      }),
    );
  });
  return new CachingSymbolSupplier({
    sources,
    cacheMaxBytes: settings.cacheBytes,
    missTtlMs: settings.missTtlMs,
    onEvent,
  });
}
