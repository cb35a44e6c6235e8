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
  const json: JsonObject = {
    status: result.status,
    system_info: systemInfoJson(dump),
    crash_info: crashInfoJson(dump, result.requestingThread, hex),
    lsb_release: lsbJson(dump),
    proc_limits: null,
    soft_errors: softErrorsJson(dump),
    mac_crash_info: null,
    mac_boot_args: null,
    linux_memory_map_count: dump.linux.maps?.length ?? null,
    main_module: 0,
    modules_contains_cert_info: false,
    modules: dump.modules.map((m) =>
      moduleJson(m, result.moduleSymbols.get(m.index), hex),
    ),
    pid: dump.pid ?? null,
    process_uptime: uptime(dump),
    thread_count: result.threads.length,
    threads,
    unloaded_modules: dump.unloadedModules.map((m) => ({
      base_addr: hex(m.base),
      code_id: m.codeId,
      end_addr: hex(m.end),
      filename: m.codeFile,
      cert_subject: null,
    })),
    handles: null,
  };
  const crashing = crashingThreadJson(result, threads);
  if (crashing !== undefined) {
    json.crashing_thread = crashing;
  }
  return sortKeys(json);
}

function systemInfoJson(dump: Minidump): JsonObject {
  const s = dump.systemInfo;
  const microcode = dump.linux.microcodeVersion;
  return {
    os: s?.osName ?? null,
    os_ver: s?.osVersionFull ?? null,
    cpu_arch: dump.cpu,
    cpu_info: s?.cpuInfo ?? null,
    cpu_count: s?.cpuCount ?? null,
    cpu_microcode_version:
      microcode === undefined ? null : `0x${microcode.toString(16)}`,
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
    type: crash?.reason ?? null,
    address: crash === undefined ? null : hex(crash.address),
    adjusted_address: null,
    instruction: null,
    memory_accesses: null,
    instruction_pointer_update: null,
    possible_bit_flips: null,
    crash_inconsistencies: crash === undefined ? null : [],
    crashing_thread: requestingThread ?? null,
    assertion:
      dump.assertion === undefined ? null : describeAssertion(dump.assertion),
  };
}

function lsbJson(dump: Minidump): JsonValue {
  const lsb = dump.linux.lsbRelease;
  return lsb === undefined
    ? null
    : {
        id: lsb.id,
        release: lsb.release,
        codename: lsb.codename,
        description: lsb.description,
      };
}

function softErrorsJson(dump: Minidump): JsonValue {
  const raw = dump.rawStream(MOZ_SOFT_ERRORS_STREAM);
  if (raw === undefined) {
    return null;
  }
  try {
    return JSON.parse(raw.toString('utf8').replace(/\0+$/, '')) as JsonValue;
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
    end_addr: hex(m.end),
    filename: pathLeaf(m.codeFile),
    code_id: m.codeId ?? '',
    debug_file: pathLeaf(m.debugFile ?? ''),
    debug_id: m.debugId ?? '',
    version: m.version ?? null,
    cert_subject: null,
    missing_symbols: status !== undefined && !loaded,
    loaded_symbols: loaded,
    corrupt_symbols:
      status?.status === 'corrupt' || (status?.malformedLines ?? 0) > 0,
    symbol_url:
      location !== undefined && /^https?:\/\//i.test(location)
        ? location
        : null,
  };
}

function threadJson(
  thread: ThreadStack,
  hex: (value: bigint) => string,
): JsonObject {
  return {
    frame_count: thread.frames.length,
    last_error_value: thread.lastErrorValue ?? null,
    thread_name: thread.threadName ?? null,
    thread_id: thread.threadId,
    frames: thread.frames.map((f, i) => frameJson(f, i, hex)),
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
    frame: index,
    module: module === undefined ? null : pathLeaf(module.codeFile),
    function: frame.functionName ?? null,
    file: frame.sourceFile ?? null,
    line: frame.sourceLine ?? null,
    offset: hex(instruction),
    inlines:
      frame.inlines.length === 0
        ? null
        : frame.inlines.map((inline) => ({
            function: inline.functionName,
            file: inline.sourceFile ?? null,
            line: inline.sourceLine ?? null,
          })),
    module_offset: module === undefined ? null : hex(instruction - module.base),
    unloaded_modules: unloaded.length === 0 ? null : unloaded,
    function_offset:
      frame.functionBase === undefined
        ? null
        : hex(instruction - frame.functionBase),
    missing_symbols: frame.functionName === undefined,
    trust: frame.trust,
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
    frames[0] = {
      ...top,
      registers: Object.fromEntries(formattedRegisters(first.context)),
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
