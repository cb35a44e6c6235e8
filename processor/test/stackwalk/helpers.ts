/**
 * Shared pieces of the stack-walker tests: module identities whose debug
 * ids are known in advance, and compact views of walked frames.
 */
import type {
  StackFrame,
  StackwalkResult,
  ThreadStack,
} from '../../src/stackwalk/index.js';
import type { ModuleSpec } from '../support/minidump-writer.js';

/** A module with a CodeView (RSDS) record, so its debug id is predictable. */
export function pdbModule(
  name: string,
  base: bigint,
  size: number,
  guidByte: number,
): { spec: ModuleSpec; debugFile: string; debugId: string; key: string } {
  const hexByte = guidByte.toString(16).padStart(2, '0');
  const hex = hexByte.repeat(16);
  const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const debugFile = `${name}.pdb`;
  const debugId = `${hex.toUpperCase()}1`;
  return {
    spec: { base, size, name, pdb: { guid, age: 1, file: debugFile } },
    debugFile,
    debugId,
    key: `${debugFile}/${debugId}`,
  };
}

/** The thread the crash happened on. */
export function crashed(result: StackwalkResult): ThreadStack {
  const index = result.requestingThread;
  const thread = index === undefined ? undefined : result.threads[index];
  if (thread === undefined) {
    throw new Error(`no crashing thread (status ${result.status})`);
  }
  return thread;
}

/** `trust@0xinstruction` (plus `!function` when symbolized) per frame. */
export function describeFrames(frames: readonly StackFrame[]): string[] {
  return frames.map(
    (f) =>
      `${f.trust}@0x${f.instruction.toString(16)}` +
      (f.functionName === undefined ? '' : `!${f.functionName}`),
  );
}

/** A frame's valid registers as `name: value` (hex). */
export function registersOf(
  frame: StackFrame | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of frame?.context.validRegisters() ?? []) {
    out[name] = `0x${value.toString(16)}`;
  }
  return out;
}
