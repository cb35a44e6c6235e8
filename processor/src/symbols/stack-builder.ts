/**
 * Collects STACK CFI and STACK WIN records while a symbol file is parsed,
 * and turns them into sorted tables at the end.
 */
import { NumberColumn, sortColumnRange } from './columns.js';
import {
  gather,
  gatherItems,
  orderDroppingOverlaps,
  orderTruncatingOverlaps,
} from './range-order.js';
import type { CfiColumns, WinColumns } from './table-data.js';
import type { StackWinRecord } from './types.js';

/** Rough heap cost of one JS string beyond its characters. */
export const STRING_OVERHEAD = 32;

/** STACK CFI INIT records and their delta rows. */
export class CfiBuilder {
  private readonly start = new NumberColumn();
  private readonly end = new NumberColumn();
  private readonly rules: string[] = [];
  private readonly deltaFrom = new NumberColumn();
  private readonly deltaTo = new NumberColumn();
  private readonly deltaAddress = new NumberColumn();
  private readonly deltaRules: string[] = [];
  private readonly deltaOrder = new NumberColumn();
  /** Rule texts repeat a lot; keeping one copy of each saves memory. */
  private readonly texts = new Map<string, string>();
  private textBytes = 0;
  dropped = 0;

  get initCount(): number {
    return this.rules.length;
  }

  get deltaCount(): number {
    return this.deltaRules.length;
  }

  /** Adds a STACK CFI INIT record; later deltas belong to it. */
  addInit(address: number, size: number, rules: string): void {
    this.closeInit();
    this.start.push(address);
    this.end.push(address + size);
    this.rules.push(this.intern(rules));
    this.deltaFrom.push(this.deltaRules.length);
    this.deltaTo.push(this.deltaRules.length);
  }

  /** Adds a STACK CFI delta row; false when no INIT record came before. */
  addDelta(address: number, rules: string): boolean {
    if (this.rules.length === 0) {
      return false;
    }
    this.deltaAddress.push(address);
    this.deltaOrder.push(this.deltaRules.length);
    this.deltaRules.push(this.intern(rules));
    this.deltaTo.set(this.rules.length - 1, this.deltaRules.length);
    return true;
  }

  private intern(text: string): string {
    const known = this.texts.get(text);
    if (known !== undefined) {
      return known;
    }
    this.texts.set(text, text);
    this.textBytes += text.length + STRING_OVERHEAD;
    return text;
  }

  /** Sorts the deltas of the INIT record being built. */
  private closeInit(): void {
    const last = this.rules.length - 1;
    if (last < 0) {
      return;
    }
    const from = this.deltaFrom.get(last);
    const to = this.deltaTo.get(last);
    const addr = this.deltaAddress.raw;
    sortColumnRange(from, to, (a, b) => (addr[a] ?? 0) - (addr[b] ?? 0), [
      this.deltaAddress,
      this.deltaOrder,
    ]);
  }

  finish(): CfiColumns {
    this.closeInit();
    const { order, ends, dropped } = orderDroppingOverlaps({
      start: this.start,
      end: this.end,
    });
    this.dropped = dropped;
    const deltaRules = Array.from(
      { length: this.deltaRules.length },
      (_, k) => this.deltaRules[this.deltaOrder.get(k)] ?? '',
    );
    return {
      start: gather(this.start, order),
      end: ends,
      rules: gatherItems(this.rules, order),
      deltaFrom: Int32Array.from(gather(this.deltaFrom, order)),
      deltaTo: Int32Array.from(gather(this.deltaTo, order)),
      deltaAddress: this.deltaAddress.toFloat64(),
      deltaRules,
      textBytes: this.textBytes,
    };
  }
}

/** Numeric fields of a STACK WIN record, in file order. */
const WIN_FIELDS = [
  'prologSize',
  'epilogSize',
  'parameterSize',
  'savedRegisterSize',
  'localSize',
  'maxStackSize',
] as const;

/** STACK WIN records of one type. */
export class WinBuilder {
  private readonly start = new NumberColumn();
  private readonly end = new NumberColumn();
  private readonly fields = WIN_FIELDS.map(() => new NumberColumn());
  private readonly program = new NumberColumn();
  private readonly allocatesBp = new NumberColumn();
  private readonly programs: string[] = [];
  private readonly programIndex = new Map<string, number>();
  dropped = 0;

  get count(): number {
    return this.start.length;
  }

  add(record: StackWinRecord): void {
    this.start.push(record.address);
    this.end.push(record.address + record.size);
    WIN_FIELDS.forEach((name, k) => this.fields[k]?.push(record[name]));
    this.allocatesBp.push(record.allocatesBasePointer ? 1 : 0);
    const text = record.programString;
    if (text === undefined) {
      this.program.push(-1);
      return;
    }
    let index = this.programIndex.get(text);
    if (index === undefined) {
      index = this.programs.length;
      this.programs.push(text);
      this.programIndex.set(text, index);
    }
    this.program.push(index);
  }

  finish(): WinColumns {
    const { order, ends, dropped } = orderTruncatingOverlaps({
      start: this.start,
      end: this.end,
    });
    this.dropped = dropped;
    const field = (k: number): Float64Array =>
      this.fields[k] ? gather(this.fields[k], order) : new Float64Array(0);
    return {
      start: gather(this.start, order),
      end: ends,
      prologSize: field(0),
      epilogSize: field(1),
      parameterSize: field(2),
      savedRegisterSize: field(3),
      localSize: field(4),
      maxStackSize: field(5),
      program: Int32Array.from(gather(this.program, order)),
      allocatesBasePointer: Uint8Array.from(gather(this.allocatesBp, order)),
      programs: this.programs,
    };
  }
}
