/**
 * Entry point: parses a whole minidump. Only a bad header or directory
 * throws; each stream is parsed on its own and a failing stream becomes a
 * soft error on the result.
 */
import { parseAssertionInfo, parseBreakpadInfo } from './breakpad-streams.js';
import { ByteReader } from './byte-reader.js';
import {
  pointerWidthOf,
  StreamType,
  streamName,
  type CpuArch,
  type OsKind,
} from './constants.js';
import { parseCrashpadInfo } from './crashpad-info.js';
import {
  crashAddress,
  crashReason,
  isNonCanonicalFault,
} from './crash-reason.js';
import { toSoftError, type SoftError } from './errors.js';
import { parseException, type ExceptionInfo } from './exception.js';
import { readDirectory, readHeader, type StreamEntry } from './header.js';
import * as linux from './linux-streams.js';
import { MemoryIndex, MemoryRegion } from './memory.js';
import {
  parseMemory64List,
  parseMemoryInfoList,
  parseMemoryList,
} from './memory-streams.js';
import { Minidump, type CrashInfo, type MinidumpThread } from './minidump.js';
import { parseMiscInfo } from './misc-info.js';
import { parseModuleList, parseUnloadedModuleList } from './modules.js';
import type { StreamContext } from './stream-context.js';
import { parseSystemInfo, type SystemInfo } from './system-info.js';
import {
  parseThreadList,
  parseThreadNames,
  type RawThread,
} from './threads.js';

// LIMITATION: streams without a parser here (Mozilla's mac crash info,
// boot args, Linux limits and soft-error streams; handle data, function
// tables, thread info) are skipped; Minidump.rawStream returns their bytes.

/** Runs one stream parser, turning any failure into a soft error. */
type StreamRunner = <T>(
  type: number,
  parse: (ctx: StreamContext) => T,
) => T | undefined;

/** First entry of each stream type, skipping (and reporting) bad ones. */
function usableStreams(
  file: ByteReader,
  directory: readonly StreamEntry[],
  softErrors: SoftError[],
): Map<number, StreamEntry> {
  const first = new Map<number, StreamEntry>();
  for (const e of directory) {
    if (!file.has(e.rva, e.size)) {
      // Reported for every stream, known or not: it marks a corrupt file.
      softErrors.push({
        code: 'bad_stream',
        stream: streamName(e.type),
        message:
          `directory entry ${e.index}: ${e.size} bytes at ` +
          `0x${e.rva.toString(16)} lie outside the ${file.length}-byte file`,
      });
    } else if (!first.has(e.type)) {
      first.set(e.type, e);
    }
  }
  return first;
}

function makeRunner(
  file: ByteReader,
  streams: ReadonlyMap<number, StreamEntry>,
  softErrors: SoftError[],
): StreamRunner {
  return (type, parse) => {
    const entry = streams.get(type);
    if (entry === undefined) {
      return undefined;
    }
    const name = streamName(type);
    const warn = (code: SoftError['code'], message: string): void => {
      softErrors.push({ code, stream: name, message });
    };
    try {
      const data = file.sub(entry.rva, entry.size, name);
      return parse({ file, data, name, warn });
    } catch (err) {
      softErrors.push(toSoftError(name, err));
      return undefined;
    }
  };
}

/**
 * Parses a minidump held in memory. The returned object keeps views into
 * `buf` (memory regions, annotation values): do not modify it afterwards.
 * Throws a `MinidumpError` when the header or stream directory is unusable.
 */
export function readMinidump(buf: Buffer): Minidump {
  const file = new ByteReader(buf, 0, buf.length, 'minidump');
  const header = readHeader(file);
  const directory = readDirectory(file, header);
  const softErrors: SoftError[] = [];
  const streams = usableStreams(file, directory, softErrors);
  const run = makeRunner(file, streams, softErrors);
  const systemInfo = run(StreamType.SystemInfo, parseSystemInfo);
  const arch = systemInfo?.processorArchitecture;
  const os: OsKind = systemInfo?.os ?? 'unknown';
  const cpu: CpuArch = systemInfo?.cpu ?? 'unknown';
  const { threads, memory } = readThreads(file, run, softErrors, systemInfo);
  const exception = run(StreamType.Exception, (c) => parseException(c, arch));
  return new Minidump({
    buffer: buf,
    header,
    directory,
    systemInfo,
    miscInfo: run(StreamType.MiscInfo, parseMiscInfo),
    threads,
    modules: run(StreamType.ModuleList, (c) => parseModuleList(c, os)) ?? [],
    unloadedModules:
      run(StreamType.UnloadedModuleList, parseUnloadedModuleList) ?? [],
    memory,
    memoryInfo: run(StreamType.MemoryInfoList, parseMemoryInfoList) ?? [],
    exception,
    crash: exception && crashInfo(exception, threads, os, cpu),
    breakpadInfo: run(StreamType.BreakpadInfo, parseBreakpadInfo),
    assertion: run(StreamType.AssertionInfo, parseAssertionInfo),
    linux: readLinuxStreams(run, cpu),
    crashpad: run(StreamType.CrashpadInfo, parseCrashpadInfo),
    softErrors,
  });
}

/**
 * Threads with their stacks and names, and the memory index of all
 * captured memory (memory lists plus thread stacks).
 */
function readThreads(
  file: ByteReader,
  run: StreamRunner,
  softErrors: SoftError[],
  systemInfo: SystemInfo | undefined,
): { threads: MinidumpThread[]; memory: MemoryIndex } {
  const arch = systemInfo?.processorArchitecture;
  const cpu = systemInfo?.cpu ?? 'unknown';
  const listed = [
    ...(run(StreamType.MemoryList, parseMemoryList) ?? []),
    ...(run(StreamType.Memory64List, parseMemory64List) ?? []),
  ];
  const raw = run(StreamType.ThreadList, (c) => parseThreadList(c, arch));
  const names = run(StreamType.ThreadNames, parseThreadNames);
  const listedIndex = new MemoryIndex(listed);
  const stacks = (raw ?? []).map((t) =>
    stackOf(file, t, listedIndex, softErrors),
  );
  const memory = new MemoryIndex([
    ...listed,
    ...stacks.filter((s) => s !== undefined),
  ]);
  const threads = (raw ?? []).map(
    ({ stackLocation: _, ...t }, index): MinidumpThread => ({
      ...t,
      index,
      name: names?.get(t.id),
      stack: stacks[index],
      lastErrorValue:
        systemInfo?.os === 'windows'
          ? lastError(memory, t.teb, cpu)
          : undefined,
    }),
  );
  return { threads, memory };
}

/**
 * A thread's stack: its own descriptor when it has bytes, otherwise the
 * memory-list region holding the recorded stack start.
 */
function stackOf(
  file: ByteReader,
  t: RawThread,
  listed: MemoryIndex,
  softErrors: SoftError[],
): MemoryRegion | undefined {
  const loc = t.stackLocation;
  if (loc.size > 0) {
    if (file.has(loc.rva, loc.size)) {
      return new MemoryRegion(t.stackStart, file.bytes(loc.rva, loc.size));
    }
    softErrors.push({
      code: 'truncated',
      stream: streamName(StreamType.ThreadList),
      message: `thread ${t.id}: stack of ${loc.size} bytes at 0x${loc.rva.toString(16)} lies outside the file`,
    });
  }
  return listed.find(t.stackStart);
}

/** TEB LastErrorValue offsets: 0x34 in the 32-bit TEB, 0x68 in the 64-bit one. */
function lastError(
  memory: MemoryIndex,
  teb: bigint,
  cpu: CpuArch,
): number | undefined {
  if (teb === 0n) {
    return undefined;
  }
  return memory.readU32(teb + (pointerWidthOf(cpu) === 4 ? 0x34n : 0x68n));
}

function crashInfo(
  exc: ExceptionInfo,
  threads: readonly MinidumpThread[],
  os: OsKind,
  cpu: CpuArch,
): CrashInfo {
  const index = threads.findIndex((t) => t.id === exc.threadId);
  return {
    reason: crashReason(exc, os, cpu),
    address: crashAddress(exc, os, cpu),
    nonCanonicalAddress: isNonCanonicalFault(exc, os, cpu),
    threadId: exc.threadId,
    threadIndex: index < 0 ? undefined : index,
  };
}

function readLinuxStreams(run: StreamRunner, cpu: CpuArch): linux.LinuxInfo {
  const text = (c: StreamContext): string => linux.streamText(c.data);
  const cpuInfo = run(StreamType.LinuxCpuInfo, text);
  const environ = run(StreamType.LinuxEnviron, (c) => linux.splitNul(c.data));
  const width = pointerWidthOf(cpu);
  const info: linux.LinuxInfo = {
    cpuInfo,
    microcodeVersion:
      cpuInfo === undefined ? undefined : linux.parseMicrocode(cpuInfo),
    procStatus: run(StreamType.LinuxProcStatus, (c) =>
      linux.parseProcStatus(text(c)),
    ),
    lsbRelease: run(StreamType.LinuxLsbRelease, (c) =>
      linux.parseLsbRelease(text(c)),
    ),
    cmdline: run(StreamType.LinuxCmdLine, (c) => linux.splitNul(c.data)),
    environ: environ && { protected: true, value: environ },
    auxv: run(StreamType.LinuxAuxv, (c) => linux.parseAuxv(c.data, width)),
    maps: run(StreamType.LinuxMaps, (c) => linux.parseMaps(text(c))),
    dsoDebugSize: run(StreamType.LinuxDsoDebug, (c) => c.data.length),
  };
  // Only the streams that were present (and parsed) appear as keys.
  return Object.fromEntries(
    Object.entries(info).filter(([, v]) => v !== undefined),
  );
}
