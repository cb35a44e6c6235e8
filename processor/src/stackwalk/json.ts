/**
 * The walk as JSON in the schema of rust-minidump's
 * `minidump-stackwalk --json` (the shape Socorro's processed crashes keep
 * as `json_dump`). Keys come out in alphabetical order, as rust-minidump
 * writes them.
 */
import {
  describeAssertion,
  pathLeaf,
  pointerWidthOf,
  type Minidump,
  type MinidumpModule,
} from '../minidump/index.js';
import type { ModuleSymbolStatus } from '../symbols/index.js';
import { formattedRegisters, hexAddress } from './format.js';
import type { StackFrame, StackwalkResult, ThreadStack } from './types.js';

/** Any JSON value. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Mozilla's stream of errors met while the dump was written (JSON text). */
const MOZ_SOFT_ERRORS_STREAM = 0x4d7a0004;

// LIMITATION: fields that need a disassembler or streams this reader does
// not decode are always null: crash_info.adjusted_address, instruction,
// memory_accesses, instruction_pointer_update, possible_bit_flips;
// proc_limits, mac_crash_info, mac_boot_args and handles; and
// modules_contains_cert_info is always false with null cert_subject.

/**
 * Converts a walk to the minidump-stackwalk JSON document. An error
 * status without a readable dump gives `{"status": "ERROR_…"}` alone.
 */
export function toJsonDump(result: StackwalkResult): JsonObject {
  const dump = result.dump;
  if (dump === undefined) {
    return { status: result.status };
  }
  const width = pointerWidthOf(dump.cpu);
  const hex = (value: bigint): string => hexAddress(value, width);
  const threads = result.threads.map((t) => threadJson(t, hex));
  // Every object below is written with its keys already in order: sorting
  // them afterwards cost a tenth of the walk.
  const crashing = crashingThreadJson(result, threads);
  return {
    crash_info: crashInfoJson(dump, result.requestingThread, hex),
    ...(crashing === undefined ? {} : { crashing_thread: crashing }),
    handles: null,
    linux_memory_map_count: dump.linux.maps?.length ?? null,
    lsb_release: lsbJson(dump),
    mac_boot_args: null,
    mac_crash_info: null,
    main_module: 0,
    modules: dump.modules.map((m) =>
      moduleJson(m, result.moduleSymbols.get(m.index), hex),
    ),
    modules_contains_cert_info: false,
    pid: dump.pid ?? null,
    proc_limits: null,
    process_uptime: uptime(dump),
    soft_errors: softErrorsJson(dump),
    status: result.status,
    system_info: systemInfoJson(dump),
    thread_count: result.threads.length,
    threads,
    unloaded_modules: dump.unloadedModules.map((m) => ({
      base_addr: hex(m.base),
      cert_subject: null,
      code_id: m.codeId,
      end_addr: hex(m.end),
      filename: m.codeFile,
    })),
  };
}

function systemInfoJson(dump: Minidump): JsonObject {
  const s = dump.systemInfo;
  const microcode = dump.linux.microcodeVersion;
  return {
    cpu_arch: dump.cpu,
    cpu_count: s?.cpuCount ?? null,
    cpu_info: s?.cpuInfo ?? null,
    cpu_microcode_version:
      microcode === undefined ? null : `0x${microcode.toString(16)}`,
    os: s?.osName ?? null,
    os_ver: s?.osVersionFull ?? null,
  };
}

/**
 * `assertion` carries the AssertionInfo stream as one line (Breakpad's
 * wording); rust-minidump leaves it null.
 */
function crashInfoJson(
  dump: Minidump,
  requestingThread: number | undefined,
  hex: (value: bigint) => string,
): JsonObject {
  const crash = dump.crash;
  return {
    address: crash === undefined ? null : hex(crash.address),
    adjusted_address: null,
    assertion:
      dump.assertion === undefined ? null : describeAssertion(dump.assertion),
    crash_inconsistencies: crash === undefined ? null : [],
    crashing_thread: requestingThread ?? null,
    instruction: null,
    instruction_pointer_update: null,
    memory_accesses: null,
    possible_bit_flips: null,
    type: crash?.reason ?? null,
  };
}

function lsbJson(dump: Minidump): JsonValue {
  const lsb = dump.linux.lsbRelease;
  return lsb === undefined
    ? null
    : {
        codename: lsb.codename,
        description: lsb.description,
        id: lsb.id,
        release: lsb.release,
      };
}

function softErrorsJson(dump: Minidump): JsonValue {
  const raw = dump.rawStream(MOZ_SOFT_ERRORS_STREAM);
  if (raw === undefined) {
    return null;
  }
  try {
    // Foreign JSON: its keys are put in order like everything else.
    return sortKeys(
      JSON.parse(raw.toString('utf8').replace(/\0+$/, '')) as JsonValue,
    );
  } catch (err) {
    if (err instanceof SyntaxError) {
      return null;
    }
    throw err;
  }
}

function uptime(dump: Minidump): number | null {
  const seconds = dump.processUptime;
  return seconds === undefined ? null : Math.max(0, seconds);
}

/**
 * Symbol flags are only set for modules the walker asked about:
 * `missing_symbols` means asked and not loaded, `corrupt_symbols` that a
 * file was refused or had malformed lines.
 */
function moduleJson(
  m: MinidumpModule,
  status: ModuleSymbolStatus | undefined,
  hex: (value: bigint) => string,
): JsonObject {
  const loaded = status?.status === 'found';
  const location = status?.location;
  return {
    base_addr: hex(m.base),
    cert_subject: null,
    code_id: m.codeId ?? '',
    corrupt_symbols:
      status?.status === 'corrupt' || (status?.malformedLines ?? 0) > 0,
    debug_file: pathLeaf(m.debugFile ?? ''),
    debug_id: m.debugId ?? '',
    end_addr: hex(m.end),
    filename: pathLeaf(m.codeFile),
    loaded_symbols: loaded,
    missing_symbols: status !== undefined && !loaded,
    symbol_url:
      location !== undefined && /^https?:\/\//i.test(location)
        ? location
        : null,
    version: m.version ?? null,
  };
}

function threadJson(
  thread: ThreadStack,
  hex: (value: bigint) => string,
): JsonObject {
  return {
    frame_count: thread.frames.length,
    frames: thread.frames.map((f, i) => frameJson(f, i, hex)),
    last_error_value: thread.lastErrorValue ?? null,
    thread_id: thread.threadId,
    thread_name: thread.threadName ?? null,
  };
}

function frameJson(
  frame: StackFrame,
  index: number,
  hex: (value: bigint) => string,
): JsonObject {
  const { module, instruction } = frame;
  const unloaded = [...frame.unloadedModules].map(([name, offsets]) => ({
    module: name,
    offsets: offsets.map(hex),
  }));
  return {
    file: frame.sourceFile ?? null,
    frame: index,
    function: frame.functionName ?? null,
    function_offset:
      frame.functionBase === undefined
        ? null
        : hex(instruction - frame.functionBase),
    inlines:
      frame.inlines.length === 0
        ? null
        : frame.inlines.map((inline) => ({
            file: inline.sourceFile ?? null,
            function: inline.functionName,
            line: inline.sourceLine ?? null,
          })),
    line: frame.sourceLine ?? null,
    missing_symbols: frame.functionName === undefined,
    module: module === undefined ? null : pathLeaf(module.codeFile),
    module_offset: module === undefined ? null : hex(instruction - module.base),
    offset: hex(instruction),
    trust: frame.trust,
    unloaded_modules: unloaded.length === 0 ? null : unloaded,
  };
}

/**
 * The crashing thread again at the top level, with its index and the
 * registers of its first frame; absent when that thread has no frames.
 */
function crashingThreadJson(
  result: StackwalkResult,
  threads: readonly JsonObject[],
): JsonObject | undefined {
  const index = result.requestingThread;
  const first =
    index === undefined ? undefined : result.threads[index]?.frames[0];
  const thread = index === undefined ? undefined : threads[index];
  if (first === undefined || thread === undefined || index === undefined) {
    return undefined;
  }
  const frames = Array.isArray(thread.frames) ? [...thread.frames] : [];
  const top = frames[0];
  if (
    top !== undefined &&
    top !== null &&
    typeof top === 'object' &&
    !Array.isArray(top)
  ) {
    const registers = [...formattedRegisters(first.context)].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    // `registers` sorts between `offset` and `trust`.
    const { trust, unloaded_modules, ...before } = top;
    frames[0] = {
      ...before,
      registers: Object.fromEntries(registers),
      trust: trust ?? null,
      unloaded_modules: unloaded_modules ?? null,
    };
  }
  return { ...thread, frames, threads_index: index };
}

/** A copy with every object's keys in alphabetical order. */
function sortKeys<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((v) => sortKeys(v)) as T;
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const sorted: JsonObject = {};
  for (const key of Object.keys(value).sort()) {
    sorted[key] = sortKeys(value[key] ?? null);
  }
  return sorted as T;
}
