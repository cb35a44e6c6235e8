/**
 * The parsed minidump and its lookups. Built by `readMinidump`.
 */
import type { BreakpadInfo, AssertionInfo } from './breakpad-streams.js';
import type { CpuArch, OsKind } from './constants.js';
import type { CpuContext } from './context/cpu-context.js';
import type { CrashpadInfo } from './crashpad-info.js';
import type { SoftError } from './errors.js';
import type { ExceptionInfo } from './exception.js';
import type { MinidumpHeader, StreamEntry } from './header.js';
import type { LinuxInfo } from './linux-streams.js';
import type { MemoryIndex, MemoryRegion } from './memory.js';
import type { MemoryInfo } from './memory-streams.js';
import type { MiscInfo } from './misc-info.js';
import type { MinidumpModule, UnloadedModule } from './modules.js';
import { RangeIndex } from './range-index.js';
import type { SystemInfo } from './system-info.js';

/** A thread of the crashed process. */
export interface MinidumpThread {
  /** Position in the thread list. */
  readonly index: number;
  readonly id: number;
  /** From ThreadNamesStream; `''` when listed without a name. */
  readonly name: string | undefined;
  readonly suspendCount: number;
  readonly priorityClass: number;
  readonly priority: number;
  /** Thread environment block address (Windows). */
  readonly teb: bigint;
  /** Start address recorded for the stack. */
  readonly stackStart: bigint;
  /** The captured stack memory, if any. */
  readonly stack: MemoryRegion | undefined;
  /**
   * The thread-list context. For the crashing thread prefer
   * `Minidump.contextForThread`, which returns the exception context.
   */
  readonly context: CpuContext | undefined;
  /** GetLastError() value read from the TEB (Windows), when captured. */
  readonly lastErrorValue: number | undefined;
}

/** What crashed, where, and why. */
export interface CrashInfo {
  /** e.g. `EXCEPTION_ACCESS_VIOLATION_WRITE`, `SIGSEGV / SEGV_MAPERR`. */
  readonly reason: string;
  /** The faulting data address or the exception address (masked on 32-bit CPUs). */
  readonly address: bigint;
  /**
   * True when Windows reported an access to a non-canonical address: the
   * real address is unknown and `address` is all ones.
   */
  readonly nonCanonicalAddress: boolean;
  /** OS id of the crashing thread. */
  readonly threadId: number;
  /** Index of the crashing thread in `threads`, if listed there. */
  readonly threadIndex: number | undefined;
}

/** Everything `readMinidump` extracted; see the field docs. */
export interface MinidumpParts {
  readonly buffer: Buffer;
  readonly header: MinidumpHeader;
  readonly directory: readonly StreamEntry[];
  readonly systemInfo: SystemInfo | undefined;
  readonly miscInfo: MiscInfo | undefined;
  readonly threads: readonly MinidumpThread[];
  readonly modules: readonly MinidumpModule[];
  readonly unloadedModules: readonly UnloadedModule[];
  readonly memory: MemoryIndex;
  readonly memoryInfo: readonly MemoryInfo[];
  readonly exception: ExceptionInfo | undefined;
  readonly crash: CrashInfo | undefined;
  readonly breakpadInfo: BreakpadInfo | undefined;
  readonly assertion: AssertionInfo | undefined;
  readonly linux: LinuxInfo;
  readonly crashpad: CrashpadInfo | undefined;
  readonly softErrors: readonly SoftError[];
}

/** A parsed minidump. Fields absent from the dump are undefined or empty. */
export class Minidump implements MinidumpParts {
  readonly buffer: Buffer;
  readonly header: MinidumpHeader;
  readonly directory: readonly StreamEntry[];
  readonly systemInfo: SystemInfo | undefined;
  readonly miscInfo: MiscInfo | undefined;
  readonly threads: readonly MinidumpThread[];
  /** In dump order; index 0 is the main module. */
  readonly modules: readonly MinidumpModule[];
  readonly unloadedModules: readonly UnloadedModule[];
  /** All captured memory (memory lists and thread stacks). */
  readonly memory: MemoryIndex;
  readonly memoryInfo: readonly MemoryInfo[];
  readonly exception: ExceptionInfo | undefined;
  /** Present when the dump has an exception stream. */
  readonly crash: CrashInfo | undefined;
  readonly breakpadInfo: BreakpadInfo | undefined;
  readonly assertion: AssertionInfo | undefined;
  readonly linux: LinuxInfo;
  readonly crashpad: CrashpadInfo | undefined;
  /** Problems in individual streams; the rest of the dump is usable. */
  readonly softErrors: readonly SoftError[];
  private readonly moduleIndex: RangeIndex<MinidumpModule>;
  private readonly unloadedIndex: RangeIndex<UnloadedModule>;

  /** @internal Use `readMinidump`. */
  constructor(parts: MinidumpParts) {
    this.buffer = parts.buffer;
    this.header = parts.header;
    this.directory = parts.directory;
    this.systemInfo = parts.systemInfo;
    this.miscInfo = parts.miscInfo;
    this.threads = parts.threads;
    this.modules = parts.modules;
    this.unloadedModules = parts.unloadedModules;
    this.memory = parts.memory;
    this.memoryInfo = parts.memoryInfo;
    this.exception = parts.exception;
    this.crash = parts.crash;
    this.breakpadInfo = parts.breakpadInfo;
    this.assertion = parts.assertion;
    this.linux = parts.linux;
    this.crashpad = parts.crashpad;
    this.softErrors = parts.softErrors;
    const range = (m: { base: bigint; end: bigint }) => ({
      start: m.base,
      end: m.end,
    });
    this.moduleIndex = new RangeIndex(this.modules, range);
    this.unloadedIndex = new RangeIndex(this.unloadedModules, range);
  }

  /** The OS from SystemInfo (`unknown` without it). */
  get os(): OsKind {
    return this.systemInfo?.os ?? 'unknown';
  }

  /** The CPU family from SystemInfo (`unknown` without it). */
  get cpu(): CpuArch {
    return this.systemInfo?.cpu ?? 'unknown';
  }

  /** Process id: MiscInfo, else the `Pid:` line of Linux /proc status. */
  get pid(): number | undefined {
    const fromStatus = this.linux.procStatus?.get('Pid');
    return (
      this.miscInfo?.processId ?? (fromStatus ? Number(fromStatus) : undefined)
    );
  }

  /** Seconds between process start and the dump, when both are known. */
  get processUptime(): number | undefined {
    const created = this.miscInfo?.processCreateTime;
    return created === undefined
      ? undefined
      : this.header.timeDateStamp - created;
  }

  /**
   * The thread that crashed (exception stream) or, without an exception,
   * the thread that requested the dump (BreakpadInfo).
   */
  get requestingThread(): MinidumpThread | undefined {
    const id =
      this.exception?.threadId ?? this.breakpadInfo?.requestingThreadId;
    return id === undefined ? undefined : this.threadById(id);
  }

  /** The thread with OS id `id`. */
  threadById(id: number): MinidumpThread | undefined {
    return this.threads.find((t) => t.id === id);
  }

  /** True for the thread that wrote the dump (its stack is the handler's). */
  isDumpWriterThread(thread: MinidumpThread): boolean {
    return this.breakpadInfo?.dumpThreadId === thread.id;
  }

  /**
   * The context a stack walk of `thread` starts from: the exception
   * context for the crashing thread, otherwise the thread-list context.
   */
  contextForThread(thread: MinidumpThread): CpuContext | undefined {
    const exc = this.exception;
    if (exc !== undefined && exc.threadId === thread.id && exc.context) {
      return exc.context;
    }
    return thread.context;
  }

  /** The loaded module containing `address` (innermost if overlapping). */
  moduleForAddress(address: bigint): MinidumpModule | undefined {
    return this.moduleIndex.find(address);
  }

  /** Unloaded modules that covered `address`. */
  unloadedModulesForAddress(address: bigint): UnloadedModule[] {
    return this.unloadedIndex.findAll(address);
  }

  /** `length` captured bytes at `address` (a view), or undefined. */
  readMemory(address: bigint, length: number): Buffer | undefined {
    return this.memory.read(address, length);
  }

  /** The first directory entry of `type`. */
  streamEntry(type: number): StreamEntry | undefined {
    return this.directory.find((e) => e.type === type);
  }

  /** The raw bytes of the first stream of `type`, if inside the file. */
  rawStream(type: number): Buffer | undefined {
    const e = this.streamEntry(type);
    if (e === undefined || e.rva + e.size > this.buffer.length) {
      return undefined;
    }
    return this.buffer.subarray(e.rva, e.rva + e.size);
  }
}
