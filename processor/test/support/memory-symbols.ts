/**
 * Symbol files held in memory for stack-walker tests, served through the
 * processor's real supplier (parsing, id checks, caching).
 */
import { type SymbolKey } from '@crashstats/common';
import {
  CachingSymbolSupplier,
  type SymbolFetchResult,
  type SymbolSource,
} from '../../src/symbols/index.js';

/** A symbol source answering from `<debug file>/<DEBUG ID>` → text. */
export class MemorySymbolSource implements SymbolSource {
  readonly name = 'memory';
  /** Module ids (`debugFile/DEBUGID`) asked for, in order. */
  readonly asked: string[] = [];

  constructor(private readonly files: ReadonlyMap<string, string>) {}

  fetch(key: SymbolKey): Promise<SymbolFetchResult> {
    this.asked.push(key.id);
    const text = this.files.get(key.id);
    return Promise.resolve(
      text === undefined
        ? { kind: 'missing' }
        : {
            kind: 'found',
            data: Buffer.from(text),
            location: `memory:${key.path}`,
          },
    );
  }
}

/**
 * A supplier over in-memory symbol files keyed `<debug file>/<DEBUG ID>`,
 * and its source (to see which modules were asked for).
 */
export function memorySymbols(files: Record<string, string>): {
  supplier: CachingSymbolSupplier;
  source: MemorySymbolSource;
} {
  const source = new MemorySymbolSource(new Map(Object.entries(files)));
  return { supplier: new CachingSymbolSupplier({ sources: [source] }), source };
}
