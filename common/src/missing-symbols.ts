/**
 * The most-wanted missing symbols: per module (debug file and debug id)
 * the number of crashes whose stacks went without its symbols, and when
 * the last one came. The processed-crash storage records a crash once,
 * when it is first stored; an upload of the module's symbol file takes the
 * module off the list.
 */
import type { Collection, Db } from 'mongodb';
import { Collections } from './mongo.js';

/** One module no symbol source had symbols for. */
export interface MissingSymbolDocument {
  /** `<debug file>/<debug id>`. */
  _id: string;
  debug_file: string;
  debug_id: string;
  /** File name of the module (code file). */
  code_file: string | null;
  code_id: string | null;
  crash_count: number;
  last_seen: Date;
}

interface JsonDumpModule {
  filename?: unknown;
  debug_file?: unknown;
  debug_id?: unknown;
  code_id?: unknown;
  missing_symbols?: unknown;
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

/** Modules of a processed crash's `json_dump` whose symbols were missing. */
export function modulesMissingSymbols(
  jsonDump: unknown,
): Omit<MissingSymbolDocument, 'crash_count' | 'last_seen'>[] {
  const modules = (jsonDump as { modules?: unknown } | null)?.modules;
  if (!Array.isArray(modules)) {
    return [];
  }
  const out = new Map<
    string,
    Omit<MissingSymbolDocument, 'crash_count' | 'last_seen'>
  >();
  for (const m of modules as JsonDumpModule[]) {
    const debugFile = text(m?.debug_file);
    const debugId = text(m?.debug_id);
    if (m?.missing_symbols !== true || debugFile === null || debugId === null) {
      continue;
    }
    const id = `${debugFile}/${debugId}`;
    out.set(id, {
      _id: id,
      debug_file: debugFile,
      debug_id: debugId,
      code_file: text(m.filename),
      code_id: text(m.code_id),
    });
  }
  return [...out.values()];
}

/** Reads and writes the missing-symbols tally. */
export class MissingSymbolsStorage {
  private readonly missing: Collection<MissingSymbolDocument>;

  constructor(db: Db) {
    this.missing = db.collection<MissingSymbolDocument>(
      Collections.missingSymbols,
    );
  }

  async ensureIndexes(): Promise<void> {
    await this.missing.createIndex(
      { crash_count: -1 },
      { name: 'crash_count' },
    );
  }

  /** Counts one crash against every module its stack walk missed. */
  async record(jsonDump: unknown, when: Date): Promise<void> {
    for (const module of modulesMissingSymbols(jsonDump)) {
      const { _id, ...fields } = module;
      await this.missing.updateOne(
        { _id },
        { $set: { ...fields, last_seen: when }, $inc: { crash_count: 1 } },
        { upsert: true },
      );
    }
  }

  /** The modules missed by the most crashes. */
  async mostWanted(
    options: { offset?: number; limit?: number } = {},
  ): Promise<{ modules: MissingSymbolDocument[]; total: number }> {
    const [modules, total] = await Promise.all([
      this.missing
        .find({})
        .sort({ crash_count: -1, _id: 1 })
        .skip(options.offset ?? 0)
        .limit(options.limit ?? 100)
        .toArray(),
      this.missing.countDocuments({}),
    ]);
    return { modules, total };
  }

  /** Takes a module off the list (its symbols were uploaded). */
  async resolve(debugFile: string, debugId: string): Promise<void> {
    await this.missing.deleteOne({ _id: `${debugFile}/${debugId}` });
  }
}
