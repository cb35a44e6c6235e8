/**
 * The walk as text, close to rust-minidump's human output (itself
 * modelled on Breakpad's `minidump_stackwalk`): system and crash summary,
 * the crashing thread, the other threads, then the module lists.
 */
import {
  describeAssertion,
  pathLeaf,
  pointerWidthOf,
  type Minidump,
} from '../minidump/index.js';
import { formattedRegisters, hexAddress, hexShort } from './format.js';
import { toJsonDump } from './json.js';
import {
  TRUST_DESCRIPTIONS,
  type StackFrame,
  type StackwalkResult,
  type ThreadStack,
} from './types.js';

// LIMITATION: the human output leaves out what rust-minidump derives from
// disassembling the crashing instruction (instruction, memory accesses,
// bit flips) and its list of unimplemented and unknown streams.

/** Renders a walk as text; an error status gives a one-line report. */
export function toHumanText(result: StackwalkResult): string {
  const dump = result.dump;
  if (dump === undefined) {
    return `Error: ${result.status}${result.error ? ` (${result.error})` : ''}\n`;
  }
  const lines: string[] = [];
  summary(lines, dump, result);
  threads(lines, result);
  modules(lines, dump);
  const softErrors = toJsonDump(result).soft_errors;
  if (Array.isArray(softErrors) && softErrors.length > 0) {
    lines.push('', 'Soft errors were encountered when minidump was written:');
    lines.push(JSON.stringify(softErrors, null, 2));
  }
  return `${lines.join('\n')}\n`;
}

function summary(
  lines: string[],
  dump: Minidump,
  result: StackwalkResult,
): void {
  const s = dump.systemInfo;
  const width = pointerWidthOf(dump.cpu);
  lines.push(`Operating system: ${s?.osName ?? 'Unknown'}`);
  if (s?.osVersionFull) {
    lines.push(`                  ${s.osVersionFull}`);
  }
  lines.push(`CPU: ${dump.cpu}`);
  if (s?.cpuInfo) {
    lines.push(`     ${s.cpuInfo}`);
  }
  const count = s?.cpuCount ?? 0;
  lines.push(`     ${count} CPU${count > 1 ? 's' : ''}`);
  const lsb = dump.linux.lsbRelease;
  if (lsb !== undefined) {
    lines.push(
      `Linux ${lsb.id} ${lsb.release} - ${lsb.codename} (${lsb.description})`,
    );
  }
  lines.push('');
  if (result.status !== 'OK') {
    lines.push(`Status: ${result.status}`);
  }
  if (dump.crash === undefined) {
    lines.push('No crash');
  } else {
    lines.push(`Crash reason:  ${dump.crash.reason}`);
    lines.push(`Crash address: ${hexAddress(dump.crash.address, width)}`);
  }
  if (dump.assertion !== undefined) {
    lines.push(`Assertion: ${describeAssertion(dump.assertion)}`);
  }
  const uptime = dump.processUptime;
  lines.push(
    uptime === undefined
      ? 'Process uptime: not available'
      : `Process uptime: ${Math.max(0, uptime)} seconds`,
  );
  lines.push('');
  const maps = dump.linux.maps;
  if (maps !== undefined) {
    lines.push(`Linux memory map count: ${maps.length}`, '');
  }
}

function threads(lines: string[], result: StackwalkResult): void {
  const crashed = result.dump?.crash !== undefined;
  const index = result.requestingThread;
  const requesting = index === undefined ? undefined : result.threads[index];
  if (requesting !== undefined) {
    const state = crashed ? 'crashed' : 'requested dump, did not crash';
    lines.push(
      `Thread ${index} ${requesting.threadName ?? ''} (${state}) - tid: ${requesting.threadId}`,
    );
    stackLines(lines, requesting);
    lines.push('');
  }
  result.threads.forEach((thread, i) => {
    if (i === index || thread.info === 'dump_thread_skipped') {
      return;
    }
    lines.push(
      `Thread ${i} ${thread.threadName ?? ''} - tid: ${thread.threadId}`,
    );
    stackLines(lines, thread);
  });
}

function stackLines(lines: string[], thread: ThreadStack): void {
  if (thread.frames.length === 0) {
    lines.push('<no frames>');
  }
  let number = 0;
  for (const frame of thread.frames) {
    const moduleName =
      frame.module === undefined ? '' : pathLeaf(frame.module.codeFile);
    for (const inline of frame.inlines) {
      const source =
        inline.sourceFile !== undefined && inline.sourceLine !== undefined
          ? ` [${pathLeaf(inline.sourceFile)} : ${inline.sourceLine}]`
          : '';
      lines.push(
        `${pad2(number++)}  ${moduleName}!${inline.functionName}${source}`,
      );
      lines.push('    Found by: inlining');
    }
    lines.push(`${pad2(number++)}  ${frameLocation(frame, moduleName)}`);
    registerLines(lines, frame);
    lines.push(`    Found by: ${TRUST_DESCRIPTIONS[frame.trust]}`);
  }
  if (thread.truncated) {
    lines.push('    (frame limit reached)');
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, ' ');
}

function frameLocation(frame: StackFrame, moduleName: string): string {
  const at = frame.instruction;
  const module = frame.module;
  if (module === undefined) {
    const unloaded = [...frame.unloadedModules].map(
      ([name, offsets]) =>
        ` (unloaded ${name}@${offsets.map((o) => hexShort(o)).join('|')})`,
    );
    return `${hexShort(at)}${unloaded.join('')}`;
  }
  if (frame.functionName === undefined || frame.functionBase === undefined) {
    return `${moduleName} + ${hexShort(at - module.base)}`;
  }
  const name = `${moduleName}!${frame.functionName}`;
  const { sourceFile, sourceLine, sourceLineBase } = frame;
  if (
    sourceFile !== undefined &&
    sourceLine !== undefined &&
    sourceLineBase !== undefined
  ) {
    const offset = hexShort(at - sourceLineBase);
    return `${name} [${pathLeaf(sourceFile)} : ${sourceLine} + ${offset}]`;
  }
  return `${name} + ${hexShort(at - frame.functionBase)}`;
}

/** Valid registers, `name = value` right-aligned, lines up to 80 columns. */
function registerLines(lines: string[], frame: StackFrame): void {
  let line = '';
  for (const [name, value] of formattedRegisters(frame.context)) {
    const next = ` ${name.padStart(6, ' ')} = ${value}`;
    if (line.length + next.length > 80) {
      lines.push(` ${line}`);
      line = '';
    }
    line += next;
  }
  if (line !== '') {
    lines.push(` ${line}`);
  }
}

function modules(lines: string[], dump: Minidump): void {
  const range = (base: bigint, size: number): string =>
    `${hexAddress(base, 4)} - ${hexAddress(base + BigInt(size) - 1n, 4)}`;
  const byAddress = <T extends { base: bigint }>(list: readonly T[]): T[] =>
    [...list].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const main = dump.modules[0]?.base;
  lines.push('', 'Loaded modules:');
  for (const m of byAddress(dump.modules)) {
    const tag = m.base === main ? '  (main)' : '';
    lines.push(
      `${range(m.base, m.size)}  ${pathLeaf(m.codeFile)}  ${m.version ?? '???'}${tag}`,
    );
  }
  lines.push('', 'Unloaded modules:');
  for (const m of byAddress(dump.unloadedModules)) {
    lines.push(`${range(m.base, m.size)}  ${pathLeaf(m.codeFile)}`);
  }
}
