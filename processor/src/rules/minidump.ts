/**
 * The minidump rule: walks the stacks of every minidump of a crash and
 * fills the processed crash from the crashing process's dump: OS, CPU,
 * crash reason and address, the crashing thread, modules in the stack,
 * missing symbols and the top source files. Each additional minidump
 * (`upload_file_minidump_<name>`) is stored under its own name.
 */
import type { ProcessingState, Rule } from './rule.js';
import { prettyOsVersion } from './os-info.js';

/** A stack walker's JSON (the `minidump-stackwalk --json` shape). */
export type JsonDump = Record<string, unknown>;

/** Walks one minidump; rejects when the walk itself fails (time, memory). */
export type WalkMinidump = (dump: Buffer) => Promise<JsonDump>;

const MAIN_DUMP = 'upload_file_minidump';

/** Frames from the top of the crashing thread used for topmost_filenames. */
const TOPMOST_FRAMES = 10;

/** Creates the minidump rule over a stack walker. */
export function createMinidumpRule(walk: WalkMinidump): Rule {
  return {
    name: 'minidump',
    async run(state) {
      const names = state.dumps
        .map((d) => d.name)
        .filter((n) => n === MAIN_DUMP || n.startsWith(`${MAIN_DUMP}_`))
        .sort();
      if (!names.includes(MAIN_DUMP)) {
        state.notes.push('no upload_file_minidump in the crash report');
      }
      const additional = names.filter((n) => n !== MAIN_DUMP);
      state.processed.additional_minidumps = additional;
      for (const name of names) {
        const json = await walkDump(state, name, walk);
        if (name === MAIN_DUMP) {
          applyMainDump(state, json);
        } else {
          state.processed[name] = {
            json_dump: json,
            mdsw_status_string: json.status ?? 'OK',
          };
        }
      }
    },
  };
}

async function walkDump(
  state: ProcessingState,
  name: string,
  walk: WalkMinidump,
): Promise<JsonDump> {
  const bytes = await state.readDump(name);
  if (!bytes || bytes.length === 0) {
    state.notes.push(`${name}: the dump is empty`);
    return { status: 'ERROR_MINIDUMP_NOT_FOUND' };
  }
  try {
    return await walk(bytes);
  } catch (err) {
    const errorName = err instanceof Error ? err.name : 'Error';
    state.notes.push(`${name}: stack walk failed: ${errorName}`);
    return { status: walkFailureStatus(errorName) };
  }
}

function walkFailureStatus(errorName: string): string {
  switch (errorName) {
    case 'JobTimeoutError':
      return 'ERROR_TIMEOUT';
    case 'JobMemoryError':
      return 'ERROR_OUT_OF_MEMORY';
    default:
      return 'ERROR_STACKWALK_FAILED';
  }
}

function applyMainDump(state: ProcessingState, json: JsonDump): void {
  const p = state.processed;
  p.json_dump = json;
  p.mdsw_status_string = json.status ?? 'OK';
  const status = typeof json.status === 'string' ? json.status : 'OK';
  if (status !== 'OK') {
    state.notes.push(`upload_file_minidump: stack walker status ${status}`);
  }
  const system = record(json.system_info);
  const crash = record(json.crash_info);
  p.os_name = system.os;
  p.os_version = system.os_ver;
  const lsb = record(json.lsb_release);
  p.os_pretty_version = prettyOsVersion(
    str(system.os),
    str(system.os_ver),
    str(lsb.description),
  );
  p.cpu_arch = system.cpu_arch;
  p.cpu_info = system.cpu_info;
  p.cpu_count = system.cpu_count;
  p.cpu_microcode_version = system.cpu_microcode_version;
  p.reason = crash.type;
  p.address = crash.address;
  p.pid = json.pid;
  p.thread_count = json.thread_count;
  p.process_uptime = json.process_uptime;
  applyCrashingThread(state, json, crash);
  p.missing_symbols = missingSymbols(json);
  const checksums = record(record(state.raw.metadata).dump_checksums);
  p.minidump_sha256_hash = checksums[MAIN_DUMP];
}

function applyCrashingThread(
  state: ProcessingState,
  json: JsonDump,
  crash: Record<string, unknown>,
): void {
  const p = state.processed;
  const index =
    typeof crash.crashing_thread === 'number'
      ? crash.crashing_thread
      : undefined;
  p.crashing_thread = index;
  const threads = Array.isArray(json.threads) ? json.threads : [];
  const thread = record(index === undefined ? undefined : threads[index]);
  p.crashing_thread_name = thread.thread_name ?? undefined;
  p.last_error_value = thread.last_error_value ?? undefined;
  const frames = (Array.isArray(thread.frames) ? thread.frames : []).map(
    record,
  );
  p.modules_in_stack = modulesInStack(json, frames);
  p.topmost_filenames = frames
    .slice(0, TOPMOST_FRAMES)
    .map((f) => str(f.file))
    .filter((file): file is string => file !== undefined)
    .filter((file, i, all) => all.indexOf(file) === i)
    .join('|');
}

/** `debug_file/debug_id` of each module with a frame on the stack, in order. */
function modulesInStack(
  json: JsonDump,
  frames: Record<string, unknown>[],
): string {
  const modules = (Array.isArray(json.modules) ? json.modules : []).map(record);
  const byName = new Map(modules.map((m) => [str(m.filename), m]));
  const seen = new Set<string>();
  for (const frame of frames) {
    const module = byName.get(str(frame.module));
    if (module) {
      seen.add(`${str(module.debug_file) ?? ''}/${str(module.debug_id) ?? ''}`);
    }
  }
  return [...seen].join(';');
}

/** `filename/version/debug_id/code_id` of modules whose symbols were missing. */
function missingSymbols(json: JsonDump): string {
  const modules = (Array.isArray(json.modules) ? json.modules : []).map(record);
  return modules
    .filter((m) => m.missing_symbols === true)
    .map((m) =>
      [m.filename, m.version, m.debug_id, m.code_id]
        .map((v) => str(v) ?? '')
        .join('/'),
    )
    .join(';');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
