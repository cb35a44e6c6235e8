/**
 * A CPU register state: the context of a thread or exception as read from
 * a dump, or one a stack walker builds for a caller frame.
 */
import {
  registerSets,
  type ContextCpu,
  type RegisterSet,
} from './register-sets.js';

const MASKS: Readonly<Record<number, bigint>> = {
  2: 0xffffn,
  4: 0xffffffffn,
  8: 0xffffffffffffffffn,
};

/**
 * Registers by name, each either valid (with a value) or unknown. Values
 * are unsigned bigints masked to the register's width.
 */
export class CpuContext {
  /** Which fixed layout the context was read from, if read from a dump. */
  readonly layout: ContextLayoutId | undefined;
  /** The raw context_flags (low 32 bits); 0 for built contexts. */
  readonly flags: number;
  /** The context bytes as stored (including any XSTATE tail), if read. */
  readonly raw: Buffer | undefined;
  private readonly set_: RegisterSet;
  private readonly values: BigUint64Array;
  private readonly valid: Uint8Array;

  private constructor(
    set: RegisterSet,
    origin?: { layout: ContextLayoutId; flags: number; raw: Buffer },
  ) {
    this.set_ = set;
    this.values = new BigUint64Array(set.names.length);
    this.valid = new Uint8Array(set.names.length);
    this.layout = origin?.layout;
    this.flags = origin?.flags ?? 0;
    this.raw = origin?.raw;
  }

  /**
   * A context for `cpu` where exactly the registers in `registers` are
   * valid. Names are the canonical ones, or aliases: `x29`/`x30` on arm64,
   * and any name with a `$` prefix as symbol-file programs write them.
   */
  static create(
    cpu: ContextCpu,
    registers: Readonly<Record<string, bigint>> = {},
  ): CpuContext {
    const ctx = new CpuContext(registerSets[cpu]);
    for (const [name, value] of Object.entries(registers)) {
      ctx.set(name, value);
    }
    return ctx;
  }

  /** @internal Used by the context reader. */
  static fromDump(
    cpu: ContextCpu,
    layout: ContextLayoutId,
    flags: number,
    raw: Buffer,
  ): CpuContext {
    return new CpuContext(registerSets[cpu], { layout, flags, raw });
  }

  /** The CPU family of this context. */
  get cpu(): ContextCpu {
    return this.set_.cpu;
  }

  /** Pointer size in bytes (4 on x86, 8 otherwise). */
  get pointerWidth(): 4 | 8 {
    return this.set_.pointerWidth;
  }

  /** Canonical register names of this CPU, valid or not. */
  get registerNames(): readonly string[] {
    return this.set_.names;
  }

  /** Name of the instruction pointer register (`eip`, `rip`, `pc`). */
  get ipName(): string {
    return this.nameAt(this.set_.ip);
  }

  /** Name of the stack pointer register (`esp`, `rsp`, `sp`). */
  get spName(): string {
    return this.nameAt(this.set_.sp);
  }

  /** Name of the frame pointer register (`ebp`, `rbp`, `fp`). */
  get fpName(): string {
    return this.nameAt(this.set_.fp);
  }

  /** The instruction pointer, or undefined when not valid. */
  get ip(): bigint | undefined {
    return this.getAt(this.set_.ip);
  }

  /** The stack pointer, or undefined when not valid. */
  get sp(): bigint | undefined {
    return this.getAt(this.set_.sp);
  }

  /** The frame pointer, or undefined when not valid. */
  get fp(): bigint | undefined {
    return this.getAt(this.set_.fp);
  }

  /** A register's value, or undefined if unknown or not valid. */
  get(name: string): bigint | undefined {
    const i = this.set_.index.get(name);
    return i === undefined ? undefined : this.getAt(i);
  }

  /** True when `name` is a register of this CPU and its value is valid. */
  isValid(name: string): boolean {
    const i = this.set_.index.get(name);
    return i !== undefined && this.valid[i] === 1;
  }

  /** True when `name` names a register (or alias) of this CPU. */
  hasRegister(name: string): boolean {
    return this.set_.index.has(name);
  }

  /** Sets a register (masked to its width) and marks it valid. */
  set(name: string, value: bigint): void {
    const i = this.indexOf(name);
    this.values[i] = value & (MASKS[this.set_.widths[i] ?? 8] ?? 0n);
    this.valid[i] = 1;
  }

  /** Marks a register as not valid. */
  invalidate(name: string): void {
    this.valid[this.indexOf(name)] = 0;
  }

  /** Marks every register as not valid. */
  invalidateAll(): void {
    this.valid.fill(0);
  }

  /** An independent copy (same CPU, values and validity). */
  clone(): CpuContext {
    const origin =
      this.layout === undefined || this.raw === undefined
        ? undefined
        : { layout: this.layout, flags: this.flags, raw: this.raw };
    const copy = new CpuContext(this.set_, origin);
    copy.values.set(this.values);
    copy.valid.set(this.valid);
    return copy;
  }

  /** Valid registers as [name, value] pairs in canonical order. */
  validRegisters(): [string, bigint][] {
    const out: [string, bigint][] = [];
    for (let i = 0; i < this.valid.length; i++) {
      if (this.valid[i] === 1) {
        out.push([this.nameAt(i), this.values[i] ?? 0n]);
      }
    }
    return out;
  }

  private getAt(i: number): bigint | undefined {
    return this.valid[i] === 1 ? this.values[i] : undefined;
  }

  private nameAt(i: number): string {
    return this.set_.names[i] ?? '';
  }

  private indexOf(name: string): number {
    const i = this.set_.index.get(name);
    if (i === undefined) {
      throw new RangeError(`${this.cpu} has no register named ${name}`);
    }
    return i;
  }
}

/** The stored context layouts the reader decodes. */
export type ContextLayoutId = 'x86' | 'amd64' | 'arm64' | 'arm64-old';
