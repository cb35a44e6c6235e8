/**
 * Numeric identifiers of the minidump format: stream types, processor
 * architectures and platform ids, with the names this reader reports.
 */

/** Stream type ids the reader understands (MINIDUMP_STREAM_TYPE). */
export const StreamType = {
  Unused: 0,
  ThreadList: 3,
  ModuleList: 4,
  MemoryList: 5,
  Exception: 6,
  SystemInfo: 7,
  Memory64List: 9,
  UnloadedModuleList: 14,
  MiscInfo: 15,
  MemoryInfoList: 16,
  ThreadNames: 24,
  BreakpadInfo: 0x47670001,
  AssertionInfo: 0x47670002,
  LinuxCpuInfo: 0x47670003,
  LinuxProcStatus: 0x47670004,
  LinuxLsbRelease: 0x47670005,
  LinuxCmdLine: 0x47670006,
  LinuxEnviron: 0x47670007,
  LinuxAuxv: 0x47670008,
  LinuxMaps: 0x47670009,
  LinuxDsoDebug: 0x4767000a,
  CrashpadInfo: 0x43500001,
} as const;

const streamNames = new Map<number, string>(
  Object.entries(StreamType).map(([name, id]) => [id, `${name}Stream`]),
);

/** Display name of a stream type, e.g. `ThreadListStream` or `0x4d7a0001`. */
export function streamName(type: number): string {
  return streamNames.get(type) ?? `0x${type.toString(16).padStart(8, '0')}`;
}

/** CPU families as reported by the reader. */
export type CpuArch =
  | 'x86'
  | 'amd64'
  | 'arm'
  | 'arm64'
  | 'ppc'
  | 'ppc64'
  | 'sparc'
  | 'mips'
  | 'mips64'
  | 'ia64'
  | 'riscv'
  | 'riscv64'
  | 'unknown';

/** Processor architecture id (SystemInfo) to CPU family. */
const archById = new Map<number, CpuArch>([
  [0, 'x86'],
  [1, 'mips'],
  [3, 'ppc'],
  [5, 'arm'],
  [6, 'ia64'],
  [9, 'amd64'],
  // IA32 on Win64: a 32-bit process on 64-bit Windows uses x86 contexts.
  [10, 'x86'],
  [12, 'arm64'],
  [0x8001, 'sparc'],
  [0x8002, 'ppc64'],
  // Breakpad's pre-standard ARM64 id; its contexts use the old layout.
  [0x8003, 'arm64'],
  [0x8004, 'mips64'],
  [0x8005, 'riscv'],
  [0x8006, 'riscv64'],
]);

/** Processor architecture id of Breakpad's old ARM64 layout. */
export const ARCH_ARM64_OLD = 0x8003;

/** CPU family of a SystemInfo processor_architecture value. */
export function cpuArchOf(processorArchitecture: number): CpuArch {
  return archById.get(processorArchitecture) ?? 'unknown';
}

/** Pointer width in bytes of a CPU family (8 when unknown). */
export function pointerWidthOf(cpu: CpuArch): 4 | 8 {
  return cpu === 'x86' ||
    cpu === 'arm' ||
    cpu === 'ppc' ||
    cpu === 'sparc' ||
    cpu === 'mips' ||
    cpu === 'riscv'
    ? 4
    : 8;
}

/** Operating systems as reported by the reader. */
export type OsKind =
  | 'windows'
  | 'macos'
  | 'ios'
  | 'linux'
  | 'android'
  | 'solaris'
  | 'ps3'
  | 'nacl'
  | 'fuchsia'
  | 'unknown';

const osById = new Map<number, OsKind>([
  [0, 'windows'],
  [1, 'windows'],
  [2, 'windows'],
  [3, 'windows'],
  [0x8101, 'macos'],
  [0x8102, 'ios'],
  [0x8201, 'linux'],
  [0x8202, 'solaris'],
  [0x8203, 'android'],
  [0x8204, 'ps3'],
  [0x8205, 'nacl'],
  [0x8206, 'fuchsia'],
]);

const osNames: Record<OsKind, string> = {
  windows: 'Windows NT',
  macos: 'Mac OS X',
  ios: 'iOS',
  linux: 'Linux',
  android: 'Android',
  solaris: 'Solaris',
  ps3: 'PS3',
  nacl: 'NaCl',
  fuchsia: 'Fuchsia',
  unknown: 'Unknown',
};

/** OS of a SystemInfo platform_id value. */
export function osKindOf(platformId: number): OsKind {
  return osById.get(platformId) ?? 'unknown';
}

/** The OS name rust-minidump prints, e.g. `Windows NT` or `Mac OS X`. */
export function osDisplayName(os: OsKind): string {
  return osNames[os];
}
