/**
 * Symbol access for one walk: loads each module's symbol table once,
 * fills frames with function, source and inline information, records
 * which modules had symbols, and answers the scanner's "is this a
 * plausible return address" question.
 */
import {
  pathLeaf,
  type Minidump,
  type MinidumpModule,
} from '../minidump/index.js';
import {
  RecordingSymbolSupplier,
  type ModuleSymbolStatus,
  type SymbolSupplier,
  type SymbolTable,
} from '../symbols/index.js';
import type { InlineFrame, StackFrame } from './types.js';

/** Symbols of the modules of one dump, asked for lazily. */
export class Symbolizer {
  private readonly recorder: RecordingSymbolSupplier | undefined;
  private readonly tables = new Map<number, Promise<SymbolTable | undefined>>();
  private readonly statuses = new Map<number, ModuleSymbolStatus>();

  /** Without a supplier no module has symbols and none is recorded. */
  constructor(
    private readonly dump: Minidump,
    supplier: SymbolSupplier | undefined,
  ) {
    this.recorder =
      supplier === undefined
        ? undefined
        : new RecordingSymbolSupplier(supplier);
  }

  /** What the supplier answered per module index, for modules asked about. */
  get moduleStatuses(): ReadonlyMap<number, ModuleSymbolStatus> {
    return this.statuses;
  }

  /** The module's symbol table, asking the supplier at most once. */
  tableFor(module: MinidumpModule): Promise<SymbolTable | undefined> {
    let table = this.tables.get(module.index);
    if (table === undefined) {
      table = this.load(module);
      this.tables.set(module.index, table);
    }
    return table;
  }

  private async load(module: MinidumpModule): Promise<SymbolTable | undefined> {
    const recorder = this.recorder;
    if (recorder === undefined) {
      return undefined;
    }
    const { debugFile, debugId } = module;
    if (!debugFile || !debugId) {
      // Nothing names a symbol file: the module's symbols are missing.
      this.statuses.set(module.index, {
        debugFile: debugFile === undefined ? '' : pathLeaf(debugFile),
        debugId: debugId ?? '',
        status: 'missing',
        source: undefined,
        location: undefined,
        malformedLines: 0,
      });
      return undefined;
    }
    const result = await recorder.get(debugFile, debugId);
    const status = recorder.statusOf(debugFile, debugId);
    if (status !== undefined) {
      this.statuses.set(module.index, status);
    }
    return result.status === 'found' ? result.table : undefined;
  }

  /**
   * Fills the frame's module, function, source line and inline frames from
   * its instruction address; frames outside every loaded module get the
   * unloaded modules that covered the address.
   */
  async symbolize(frame: StackFrame): Promise<void> {
    const module = this.dump.moduleForAddress(frame.instruction);
    if (module === undefined) {
      frame.unloadedModules = this.unloadedAt(frame.instruction);
      return;
    }
    frame.module = module;
    const table = await this.tableFor(module);
    const offset = Number(frame.instruction - module.base);
    const found = table?.lookup(offset);
    if (table === undefined || found === undefined) {
      return;
    }
    const fn = found.function;
    frame.functionName = fn.name;
    frame.functionBase = module.base + BigInt(fn.address);
    // STACK WIN parameter sizes are more reliable than FUNC ones, and
    // STACK WIN unwinding of the caller depends on them.
    frame.parameterSize =
      fn.kind === 'func'
        ? (table.winFrameAt(offset)?.parameterSize ?? fn.parameterSize)
        : fn.parameterSize;
    if (found.file !== undefined) {
      frame.sourceFile = found.file;
      frame.sourceLine = found.line;
      frame.sourceLineBase =
        found.lineAddress === undefined
          ? undefined
          : module.base + BigInt(found.lineAddress);
    }
    const deepest = found.inlines.length - 1;
    frame.inlines = found.inlines
      .map((inline, depth): InlineFrame => ({
        functionName: inline.name,
        sourceFile: inline.file,
        // A line record of line 0 means "no line" for the innermost call.
        sourceLine:
          depth === deepest && inline.line === 0 ? undefined : inline.line,
      }))
      .reverse();
  }

  /**
   * The scanner's test of a candidate return address: it must lie (minus
   * one, so a call to a noreturn function at the end of its caller still
   * counts) inside a loaded module, and when that module has symbols, a
   * function must cover it. Modules without symbols accept any address.
   */
  async isPlausibleReturnAddress(address: bigint): Promise<boolean> {
    const instruction = address > 0n ? address - 1n : 0n;
    if (instruction === 0n) {
      return false;
    }
    const module = this.dump.moduleForAddress(instruction);
    if (module === undefined) {
      return false;
    }
    const table = await this.tableFor(module);
    if (table === undefined) {
      return true;
    }
    const fn = table.functionAt(Number(instruction - module.base));
    return fn !== undefined && fn.name !== '';
  }

  /** Unloaded modules covering `address`: name → sorted offsets. */
  private unloadedAt(address: bigint): Map<string, bigint[]> {
    const byName = new Map<string, Set<bigint>>();
    for (const m of this.dump.unloadedModulesForAddress(address)) {
      const offsets = byName.get(m.codeFile) ?? new Set<bigint>();
      offsets.add(address - m.base);
      byName.set(m.codeFile, offsets);
    }
    const names = [...byName.keys()].sort();
    return new Map(
      names.map((name) => [
        name,
        [...(byName.get(name) ?? [])].sort((a, b) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      ]),
    );
  }
}
