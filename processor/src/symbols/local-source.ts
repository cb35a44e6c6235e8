/**
 * Symbol files in a local folder laid out like a symbol server:
 * `<root>/<debug file>/<DEBUG ID>/<name>.sym`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SymbolKey } from '@crashstats/common';
import type { SymbolFetchResult, SymbolSource } from './supplier.js';

/** Error codes that mean "not there" rather than "could not look". */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/** Reads symbol files from one folder in symbol-server layout. */
export class LocalSymbolSource implements SymbolSource {
  readonly name: string;

  /** @param root - The folder holding `<debug file>/<DEBUG ID>/…`. */
  constructor(private readonly root: string) {
    this.name = `local:${root}`;
  }

  /** The path a module's symbol file has under this folder. */
  pathOf(key: SymbolKey): string {
    return join(this.root, key.debugFile, key.debugId, key.symFile);
  }

  async fetch(key: SymbolKey): Promise<SymbolFetchResult> {
    const path = this.pathOf(key);
    try {
      return { kind: 'found', data: await readFile(path), location: path };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (ABSENT.has(code)) {
        return { kind: 'missing' };
      }
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'error', message };
    }
  }
}
