/**
 * Minidump reader: parses Breakpad/Crashpad/Windows minidumps into typed
 * threads, modules, memory, CPU contexts and crash information.
 */
export { readMinidump } from './read-minidump.js';
export {
  Minidump,
  type CrashInfo,
  type MinidumpParts,
  type MinidumpThread,
} from './minidump.js';
export {
  MinidumpError,
  isMinidumpError,
  type MinidumpErrorCode,
  type SoftError,
} from './errors.js';
export {
  ByteReader,
  GUID_SIZE,
  guidToHex,
  guidToString,
  type Guid,
} from './byte-reader.js';
export {
  StreamType,
  streamName,
  cpuArchOf,
  osKindOf,
  osDisplayName,
  pointerWidthOf,
  type CpuArch,
  type OsKind,
} from './constants.js';
export type { MinidumpHeader, StreamEntry } from './header.js';
export {
  pathLeaf,
  readMinidumpString,
  readUtf8String,
  type Location,
} from './location.js';
export { CpuContext, type ContextLayoutId } from './context/cpu-context.js';
export {
  registerSets,
  type ContextCpu,
  type RegisterSet,
} from './context/register-sets.js';
export { readContext } from './context/read-context.js';
export { MemoryIndex, MemoryRegion } from './memory.js';
export type { MemoryInfo } from './memory-streams.js';
export { RangeIndex, type AddressRange } from './range-index.js';
export type { SystemInfo, X86CpuId } from './system-info.js';
export type { MiscInfo, MiscPowerInfo, MiscTimeZone } from './misc-info.js';
export {
  peCodeId,
  type FixedFileInfo,
  type MinidumpModule,
  type UnloadedModule,
} from './modules.js';
export { debugIdOf, readCodeView, type CodeViewRecord } from './codeview.js';
export type { ExceptionInfo } from './exception.js';
export {
  crashAddress,
  crashReason,
  isNonCanonicalFault,
} from './crash-reason.js';
export { fastFailName, ntStatusName } from './crash-reason-windows.js';
export {
  describeAssertion,
  type AssertionInfo,
  type BreakpadInfo,
} from './breakpad-streams.js';
export type {
  AuxvEntry,
  LinuxInfo,
  LinuxMapEntry,
  LsbRelease,
  ProtectedValue,
} from './linux-streams.js';
export type {
  CrashpadAnnotation,
  CrashpadInfo,
  CrashpadModuleInfo,
} from './crashpad-info.js';
