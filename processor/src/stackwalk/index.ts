/**
 * The stack walker: unwinds every thread of a minidump (amd64, x86 and
 * arm64) with CFI, STACK WIN, frame pointers and stack scanning,
 * symbolizes the frames, and renders the result as rust-minidump's
 * `minidump-stackwalk` JSON or human text.
 */
export { stackwalk, DEFAULT_MAX_FRAMES } from './stackwalk.js';
export { toJsonDump, type JsonObject, type JsonValue } from './json.js';
export { toHumanText } from './human.js';
export {
  StackFrame,
  TRUST_DESCRIPTIONS,
  type CallStackInfo,
  type FrameTrust,
  type InlineFrame,
  type StackwalkOptions,
  type StackwalkResult,
  type ThreadStack,
} from './types.js';
