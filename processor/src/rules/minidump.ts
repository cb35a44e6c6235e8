/**
 * The minidump rule: walks the stacks of every minidump of a crash and
 * fills the processed crash from the crashing process's dump: OS, CPU,
 * crash reason and address, the crashing thread, modules in the stack,
 * missing symbols and the top source file. Each additional minidump
 * (`upload_file_minidump_<name>`) is stored under its own name. Stacks
 * longer than {@link MAX_STACK_FRAMES} are cut in the middle. Defaults
 * and fallbacks for OS and CPU are the platform rule's.
 */
import { crashingThreadFrames, list, record, str } from './json-dump.js';
import type { ProcessingState, Rule } from './rule.js';

/** A stack walker's JSON (the `minidump-stackwalk --json` shape). */
export type JsonDump = Record<string, unknown>;

/** Walks one minidump; rejects when the walk itself fails (time, memory). */
export type WalkMinidump = (dump: Buffer) => Promise<JsonDump>;

const MAIN_DUMP = 'upload_file_minidump';

/** Frames a stored stack keeps at most, the truncation marker included. */
export const MAX_STACK_FRAMES = 500;
/** Frames kept from the top and from the bottom of a longer stack. */
const KEEP_TOP = 250;
const KEEP_BOTTOM = MAX_STACK_FRAMES - KEEP_TOP - 1;

/** Longest soft_errors text kept, in characters. */
const SOFT_ERRORS_MAX = 4 * 1024;

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
        truncateStacks(state, name, json);
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
  if (!bytes) {
    state.notes.push(`${name}: the dump could not be read`);
    return { status: 'ERROR_MINIDUMP_NOT_FOUND' };
  }
  if (bytes.length === 0) {
    state.notes.push(`${name}: the dump is empty`);
    return { status: 'EmptyMinidump' };
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

/**
 * Cuts every stack of a walk longer than {@link MAX_STACK_FRAMES}: the top
 * and bottom frames stay, a `{truncated: {msg}}` frame replaces the middle
 * and the thread gets `truncated: true`. One note per dump says how many.
 */
function truncateStacks(
  state: ProcessingState,
  name: string,
  json: JsonDump,
): void {
  let cut = 0;
  for (const thread of list(json.threads)) {
    cut += truncateThread(thread) ? 1 : 0;
  }
  // The crashing thread is repeated at the top level.
  truncateThread(json.crashing_thread);
  if (cut > 0) {
    state.notes.push(
      `${name}: ${cut} stack(s) truncated to ${MAX_STACK_FRAMES} frames`,
    );
  }
}

function truncateThread(value: unknown): boolean {
  const thread = record(value);
  const frames: unknown[] = list(thread.frames);
  if (frames.length <= MAX_STACK_FRAMES) {
    return false;
  }
  const removed = frames.length - KEEP_TOP - KEEP_BOTTOM;
  thread.frames = [
    ...frames.slice(0, KEEP_TOP),
    { truncated: { msg: `${removed} frames truncated` } },
    ...frames.slice(-KEEP_BOTTOM),
  ];
  thread.truncated = true;
  return true;
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
  p.cpu_arch = system.cpu_arch;
  p.cpu_info = system.cpu_info;
  p.cpu_count = system.cpu_count;
  p.cpu_microcode_version = system.cpu_microcode_version;
  p.reason = crash.type;
  p.address = crash.address;
  p.pid = json.pid;
  p.thread_count = json.thread_count;
  p.process_uptime = json.process_uptime;
  if (Array.isArray(crash.crash_inconsistencies)) {
    p.crash_inconsistencies = crash.crash_inconsistencies;
  }
  if (json.soft_errors !== undefined && json.soft_errors !== null) {
    p.soft_errors = JSON.stringify(json.soft_errors).slice(0, SOFT_ERRORS_MAX);
  }
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
  p.crashing_thread = index ?? null;
  // NOTE: a failed walk has its own note already; this one would add nothing.
  if (index === undefined && (json.status ?? 'OK') === 'OK') {
    state.notes.push('mdsw did not identify the crashing thread');
  }
  const thread = record(
    index === undefined ? undefined : list(json.threads)[index],
  );
  p.crashing_thread_name = thread.thread_name ?? undefined;
  p.last_error_value = thread.last_error_value ?? undefined;
  const frames = crashingThreadFrames(json);
  p.modules_in_stack = modulesInStack(json, frames);
  p.topmost_filenames = topmostFile(frames);
}

/**
 * The source file of the topmost frame that has one; a frame's inlined
 * functions come before the frame itself, as they are above it.
 */
function topmostFile(frames: Record<string, unknown>[]): string | undefined {
  for (const frame of frames) {
    for (const inline of list(frame.inlines)) {
      const file = str(record(inline).file);
      if (file) {
        return file;
      }
    }
    const file = str(frame.file);
    if (file) {
      return file;
    }
  }
  return undefined;
}

/** Sorted `debug_file/debug_id` of each module with a frame on the stack. */
function modulesInStack(
  json: JsonDump,
  frames: Record<string, unknown>[],
): string {
  const modules = list(json.modules).map(record);
  const byName = new Map(modules.map((m) => [str(m.filename), m]));
  const seen = new Set<string>();
  for (const frame of frames) {
    const module = byName.get(str(frame.module));
    if (module) {
      seen.add(`${str(module.debug_file) ?? ''}/${str(module.debug_id) ?? ''}`);
    }
  }
  return [...seen].sort().join(';');
}

/**
 * Sorted `filename/version/debug_id[/code_id]` of the modules whose
 * symbols were missing; the code id only when the module has one.
 */
function missingSymbols(json: JsonDump): string {
  const modules = list(json.modules).map(record);
  return modules
    .filter((m) => m.missing_symbols === true)
    .map((m) => {
      const parts = [m.filename, m.version, m.debug_id].map(
        (v) => str(v) ?? '',
      );
      const codeId = str(m.code_id);
      return (codeId ? [...parts, codeId] : parts).join('/');
    })
    .sort()
    .join(';');
}
