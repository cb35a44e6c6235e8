/**
 * Per-crash record of which modules had symbols: the processed crash
 * reports `loaded_symbols`, `missing_symbols` and `corrupt_symbols` per
 * module, for the modules the walker actually asked about.
 */
import { symbolKey } from '@crashstats/common';
import type { SymbolLookupResult, SymbolSupplier } from './supplier.js';

/** What happened when one module's symbols were requested. */
export interface ModuleSymbolStatus {
  readonly debugFile: string;
  readonly debugId: string;
  readonly status: SymbolLookupResult['status'];
  /** Source and path or URL of a found or corrupt file. */
  readonly source: string | undefined;
  readonly location: string | undefined;
  /** Malformed lines skipped in a found file (Breakpad calls it corrupt). */
  readonly malformedLines: number;
}

/**
 * Wraps a supplier for the processing of one crash, remembering the answer
 * for each module asked about. Use a new one per crash.
 */
export class RecordingSymbolSupplier implements SymbolSupplier {
  private readonly seen = new Map<string, ModuleSymbolStatus>();

  constructor(private readonly inner: SymbolSupplier) {}

  async get(debugFile: string, debugId: string): Promise<SymbolLookupResult> {
    const result = await this.inner.get(debugFile, debugId);
    const id = symbolKey(debugFile, debugId)?.id ?? `${debugFile}/${debugId}`;
    const found = result.status === 'found' ? result : undefined;
    this.seen.set(id, {
      debugFile,
      debugId,
      status: result.status,
      source: result.status === 'missing' ? undefined : result.source,
      location: result.status === 'missing' ? undefined : result.location,
      malformedLines: found?.table.stats.malformed ?? 0,
    });
    return result;
  }

  /** The status of a module asked about, or undefined if it never was. */
  statusOf(debugFile: string, debugId: string): ModuleSymbolStatus | undefined {
    const id = symbolKey(debugFile, debugId)?.id ?? `${debugFile}/${debugId}`;
    return this.seen.get(id);
  }

  /** Every module asked about, in the order first asked. */
  statuses(): ModuleSymbolStatus[] {
    return [...this.seen.values()];
  }
}
