/**
 * Thread, stack memory and exception encoders for the synthetic writer.
 */
import {
  encodeContext,
  type ContextSpec,
  type WriterCpu,
} from './minidump-writer-contexts.js';
import {
  countedList,
  writeLocation,
  type Out,
} from './minidump-writer-streams.js';

/** Registers only (default flags and size), or a full context spec. */
export type ContextInput = Readonly<Record<string, bigint>> | ContextSpec;

/** A thread to write. */
export interface ThreadSpec {
  readonly id: number;
  readonly registers?: ContextInput;
  /** Stack memory; also listed in the memory list unless `stackOnlyInThread`. */
  readonly stack?: { readonly base: bigint; readonly bytes: Buffer };
  /** Keep the stack out of the memory list. */
  readonly stackOnlyInThread?: boolean;
  /** Give the thread an empty stack descriptor (stack found via the memory list). */
  readonly emptyStackDescriptor?: boolean;
  readonly teb?: bigint;
  /** Written to ThreadNamesStream when defined. */
  readonly name?: string;
  readonly suspendCount?: number;
}

/** The exception stream. */
export interface ExceptionSpec {
  readonly threadId: number;
  readonly code: number;
  readonly flags?: number;
  readonly address?: bigint;
  readonly parameters?: readonly bigint[];
  /** Overrides number_parameters (defaults to parameters.length). */
  readonly numberParameters?: number;
  readonly registers?: ContextInput;
}

export function contextSpec(input: ContextInput): ContextSpec {
  return 'registers' in input && typeof input.registers === 'object'
    ? (input as ContextSpec)
    : { registers: input as Readonly<Record<string, bigint>> };
}

/** Where memory went: RVAs of thread stacks, and the memory list stream. */
export interface MemoryPlacement {
  readonly stackRvas: ReadonlyMap<number, number>;
  readonly stream: Buffer;
}

type Placed = { base: bigint; bytes: Buffer; rva: number };

/**
 * Appends thread stacks and extra memory, back to back when writing a
 * Memory64 list (its data must be contiguous), and encodes the list.
 */
export function placeMemory(
  out: Out,
  threads: readonly ThreadSpec[],
  memory: readonly { base: bigint; bytes: Buffer }[],
  memory64: boolean,
): MemoryPlacement {
  const listed = threads.flatMap((t) =>
    t.stack && !t.stackOnlyInThread ? [t.stack] : [],
  );
  const placed = [...listed, ...memory].map((r) => ({
    ...r,
    rva: out.put(r.bytes, memory64 ? 1 : 4),
  }));
  const stackRvas = new Map<number, number>();
  for (const t of threads) {
    const found = placed.find((p) => p.bytes === t.stack?.bytes);
    stackRvas.set(t.id, found?.rva ?? (t.stack ? out.put(t.stack.bytes) : 0));
  }
  return {
    stackRvas,
    stream: memory64 ? memory64Stream(placed) : memoryListStream(placed),
  };
}

function memoryListStream(placed: readonly Placed[]): Buffer {
  return countedList(placed.length, 16, (b, at, i) => {
    const p = placed[i];
    if (p !== undefined) {
      b.writeBigUInt64LE(p.base, at);
      writeLocation(b, at + 8, p.bytes.length, p.rva);
    }
  });
}

function memory64Stream(placed: readonly Placed[]): Buffer {
  const buf = Buffer.alloc(16 + placed.length * 16);
  buf.writeBigUInt64LE(BigInt(placed.length), 0);
  buf.writeBigUInt64LE(BigInt(placed[0]?.rva ?? 0), 8);
  placed.forEach((p, i) => {
    buf.writeBigUInt64LE(p.base, 16 + i * 16);
    buf.writeBigUInt64LE(BigInt(p.bytes.length), 24 + i * 16);
  });
  return buf;
}

/** Encodes the thread list, appending each context. */
export function encodeThreadList(
  out: Out,
  cpu: WriterCpu,
  threads: readonly ThreadSpec[],
  mem: MemoryPlacement,
): Buffer {
  return countedList(threads.length, 48, (b, at, i) => {
    const t = threads[i];
    if (t === undefined) {
      return;
    }
    b.writeUInt32LE(t.id, at);
    b.writeUInt32LE(t.suspendCount ?? 0, at + 4);
    b.writeBigUInt64LE(t.teb ?? 0n, at + 16);
    if (t.stack !== undefined) {
      b.writeBigUInt64LE(t.stack.base, at + 24);
      if (!t.emptyStackDescriptor) {
        const rva = mem.stackRvas.get(t.id) ?? 0;
        writeLocation(b, at + 32, t.stack.bytes.length, rva);
      }
    }
    if (t.registers !== undefined) {
      const ctx = encodeContext(cpu, contextSpec(t.registers));
      writeLocation(b, at + 40, ctx.length, out.put(ctx));
    }
  });
}

/** Encodes the 168-byte exception stream, appending its context. */
export function encodeException(
  out: Out,
  cpu: WriterCpu,
  e: ExceptionSpec,
): Buffer {
  const buf = Buffer.alloc(168);
  const params = e.parameters ?? [];
  buf.writeUInt32LE(e.threadId, 0);
  buf.writeUInt32LE(e.code >>> 0, 8);
  buf.writeUInt32LE((e.flags ?? 0) >>> 0, 12);
  buf.writeBigUInt64LE(e.address ?? 0n, 24);
  buf.writeUInt32LE(e.numberParameters ?? params.length, 32);
  params.slice(0, 15).forEach((p, i) => {
    buf.writeBigUInt64LE(BigInt.asUintN(64, p), 40 + i * 8);
  });
  if (e.registers !== undefined) {
    const ctx = encodeContext(cpu, contextSpec(e.registers));
    writeLocation(buf, 160, ctx.length, out.put(ctx));
  }
  return buf;
}

/** Encodes ThreadNamesStream for the threads that have a name. */
export function encodeThreadNames(
  out: Out,
  threads: readonly ThreadSpec[],
): Buffer {
  const named = threads.filter((t) => t.name !== undefined);
  const rvas = named.map((t) => out.string(t.name ?? ''));
  const buf = Buffer.alloc(4 + named.length * 12);
  buf.writeUInt32LE(named.length, 0);
  named.forEach((t, i) => {
    buf.writeUInt32LE(t.id, 4 + i * 12);
    buf.writeBigUInt64LE(BigInt(rvas[i] ?? 0), 8 + i * 12);
  });
  return buf;
}
