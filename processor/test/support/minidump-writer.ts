/**
 * A builder of synthetic minidumps for tests: threads with CPU contexts
 * and stacks, memory, modules, exception, system info, Breakpad, Crashpad
 * and Linux streams. `build()` lays everything out and returns the file.
 *
 * @example
 * const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
 *   .addThread({ id: 1, registers: { rip: 0x401000n, rsp: 0x7000n },
 *                stack: { base: 0x7000n, bytes: Buffer.alloc(256) } })
 *   .setException({ threadId: 1, code: 11, address: 0x45n })
 *   .build();
 */
import {
  contextSize,
  encodeContext,
  type ContextSpec,
  type WriterCpu,
} from './minidump-writer-contexts.js';
import {
  encodeAssertion,
  encodeMiscInfo,
  encodeModuleList,
  encodeSystemInfo,
  encodeUnloadedModules,
  type AssertionSpec,
  type MiscInfoSpec,
  type ModuleSpec,
  type SystemInfoSpec,
  type UnloadedModuleSpec,
  type WriterOs,
} from './minidump-writer-records.js';
import {
  encodeCrashpad,
  Out,
  writeLocation,
  type CrashpadSpec,
} from './minidump-writer-streams.js';
import {
  encodeException,
  encodeThreadList,
  encodeThreadNames,
  placeMemory,
  type ContextInput,
  type ExceptionSpec,
  type MemoryPlacement,
  type ThreadSpec,
} from './minidump-writer-threads.js';

export { contextSize, encodeContext, type ContextSpec, type WriterCpu };
export type { ContextInput, ExceptionSpec, ThreadSpec };
export type {
  AssertionSpec,
  MiscInfoSpec,
  ModuleSpec,
  SystemInfoSpec,
  UnloadedModuleSpec,
  WriterOs,
};
export type {
  AnnotationObjectSpec,
  CrashpadModuleSpec,
  CrashpadSpec,
} from './minidump-writer-streams.js';

const architectures: Readonly<Record<WriterCpu, number>> = {
  x86: 0,
  amd64: 9,
  arm64: 12,
  'arm64-old': 0x8003,
};

/** Builder of a synthetic minidump. Methods chain. */
export class MinidumpWriter {
  readonly cpu: WriterCpu;
  readonly os: WriterOs;
  private system: SystemInfoSpec | undefined;
  private readonly threads: ThreadSpec[] = [];
  private readonly memory: { base: bigint; bytes: Buffer }[] = [];
  private readonly modules: ModuleSpec[] = [];
  private readonly unloaded: UnloadedModuleSpec[] = [];
  private readonly extra: { type: number; encode: (out: Out) => Buffer }[] = [];
  private exception: ExceptionSpec | undefined;
  private memory64 = false;
  private timeDateStamp = 1_700_000_000;

  constructor(options: {
    cpu: WriterCpu;
    os?: WriterOs;
    system?: Partial<SystemInfoSpec>;
  }) {
    this.cpu = options.cpu;
    this.os = options.os ?? 'linux';
    this.system = {
      architecture: architectures[this.cpu],
      os: this.os,
      ...options.system,
    };
  }

  /** Replaces the system info fields (merged over the defaults). */
  systemInfo(spec: Partial<SystemInfoSpec>): this {
    this.system = {
      architecture: architectures[this.cpu],
      os: this.os,
      ...spec,
    };
    return this;
  }

  /** Writes no SystemInfoStream. */
  withoutSystemInfo(): this {
    this.system = undefined;
    return this;
  }

  /** Header time_date_stamp (Unix seconds). */
  time(seconds: number): this {
    this.timeDateStamp = seconds;
    return this;
  }

  addThread(spec: ThreadSpec): this {
    this.threads.push(spec);
    return this;
  }

  /** Adds a captured memory region. */
  addMemory(base: bigint, bytes: Buffer): this {
    this.memory.push({ base, bytes });
    return this;
  }

  /** Writes memory as a Memory64ListStream instead of a MemoryListStream. */
  useMemory64(): this {
    this.memory64 = true;
    return this;
  }

  addModule(spec: ModuleSpec): this {
    this.modules.push(spec);
    return this;
  }

  addUnloadedModule(spec: UnloadedModuleSpec): this {
    this.unloaded.push(spec);
    return this;
  }

  setException(spec: ExceptionSpec): this {
    this.exception = spec;
    return this;
  }

  setMiscInfo(spec: MiscInfoSpec): this {
    return this.addStream(15, () => encodeMiscInfo(spec));
  }

  setBreakpadInfo(spec: {
    dumpThreadId?: number;
    requestingThreadId?: number;
  }): this {
    return this.addStream(0x47670001, () => {
      const buf = Buffer.alloc(12);
      const valid =
        (spec.dumpThreadId === undefined ? 0 : 1) |
        (spec.requestingThreadId === undefined ? 0 : 2);
      buf.writeUInt32LE(valid, 0);
      buf.writeUInt32LE(spec.dumpThreadId ?? 0, 4);
      buf.writeUInt32LE(spec.requestingThreadId ?? 0, 8);
      return buf;
    });
  }

  setAssertion(spec: AssertionSpec): this {
    return this.addStream(0x47670002, () => encodeAssertion(spec));
  }

  setCrashpadInfo(spec: CrashpadSpec): this {
    return this.addStream(0x43500001, (out) => encodeCrashpad(out, spec));
  }

  /** Adds a Linux text/binary stream (0x47670003..0x4767000a) verbatim. */
  addLinuxStream(type: number, data: string | Buffer): this {
    return this.addStream(type, () =>
      typeof data === 'string' ? Buffer.from(data, 'utf8') : data,
    );
  }

  /** Adds MemoryInfoList entries (48 bytes each). */
  addMemoryInfo(
    entries: readonly {
      base: bigint;
      size: bigint;
      state?: number;
      protection?: number;
      type?: number;
    }[],
  ): this {
    return this.addStream(16, () => {
      const buf = Buffer.alloc(16 + entries.length * 48);
      buf.writeUInt32LE(16, 0);
      buf.writeUInt32LE(48, 4);
      buf.writeBigUInt64LE(BigInt(entries.length), 8);
      entries.forEach((e, i) => {
        const at = 16 + i * 48;
        buf.writeBigUInt64LE(e.base, at);
        buf.writeBigUInt64LE(e.base, at + 8);
        buf.writeBigUInt64LE(e.size, at + 24);
        buf.writeUInt32LE(e.state ?? 0x1000, at + 32);
        buf.writeUInt32LE(e.protection ?? 0x04, at + 36);
        buf.writeUInt32LE(e.type ?? 0x20000, at + 40);
      });
      return buf;
    });
  }

  /**
   * Adds any stream (replacing a built-in one of the same type); `encode`
   * may append data it points at to `out`.
   */
  addStream(type: number, encode: (out: Out) => Buffer): this {
    this.extra.push({ type, encode });
    return this;
  }

  /** Lays out and returns the minidump file. */
  build(): Buffer {
    const streams = this.streams();
    const out = new Out(32 + streams.length * 12);
    const memory = placeMemory(out, this.threads, this.memory, this.memory64);
    const head = Buffer.alloc(32 + streams.length * 12);
    head.writeUInt32LE(0x504d444d, 0);
    head.writeUInt32LE(0xa793, 4);
    head.writeUInt32LE(streams.length, 8);
    head.writeUInt32LE(32, 12);
    head.writeUInt32LE(this.timeDateStamp, 20);
    streams.forEach((s, i) => {
      const payload = s.encode(out, memory);
      const at = 32 + i * 12;
      head.writeUInt32LE(s.type, at);
      writeLocation(head, at + 4, payload.length, out.put(payload));
    });
    return out.finish(head);
  }

  private streams(): StreamPlan[] {
    const { cpu, threads, modules, unloaded, exception, system } = this;
    const plan: (StreamPlan | false)[] = [
      system !== undefined && {
        type: 7,
        encode: (out) => encodeSystemInfo(out, system),
      },
      {
        type: 3,
        encode: (out, mem) => encodeThreadList(out, cpu, threads, mem),
      },
      { type: this.memory64 ? 9 : 5, encode: (_out, mem) => mem.stream },
      modules.length > 0 && {
        type: 4,
        encode: (out) => encodeModuleList(out, modules),
      },
      unloaded.length > 0 && {
        type: 14,
        encode: (out) => encodeUnloadedModules(out, unloaded),
      },
      exception !== undefined && {
        type: 6,
        encode: (out) => encodeException(out, cpu, exception),
      },
      threads.some((t) => t.name !== undefined) && {
        type: 24,
        encode: (out) => encodeThreadNames(out, threads),
      },
    ];
    // A stream added with addStream replaces the built-in one of its type.
    const custom = new Set(this.extra.map((x) => x.type));
    const builtIn = plan.filter((p) => p !== false && !custom.has(p.type));
    return [...(builtIn as StreamPlan[]), ...this.extra];
  }
}

/** One stream to write: its type and how to encode it. */
interface StreamPlan {
  readonly type: number;
  readonly encode: (out: Out, mem: MemoryPlacement) => Buffer;
}
