/**
 * SystemInfoStream: OS, OS version and CPU of the crashed machine.
 */
import {
  cpuArchOf,
  osDisplayName,
  osKindOf,
  type CpuArch,
  type OsKind,
} from './constants.js';
import { readMinidumpString } from './location.js';
import { requireSize, type StreamContext } from './stream-context.js';

/** x86 CPUID data stored in SystemInfo (x86 dumps only). */
export interface X86CpuId {
  /** CPUID vendor string, e.g. `GenuineIntel` (may be empty). */
  readonly vendor: string;
  /** CPUID leaf 1 EAX. */
  readonly versionInformation: number;
  /** CPUID leaf 1 EDX. */
  readonly featureInformation: number;
  readonly amdExtendedCpuFeatures: number;
}

/** The parsed SystemInfoStream. */
export interface SystemInfo {
  /** Raw processor_architecture (0 x86, 9 amd64, 12 arm64, ...). */
  readonly processorArchitecture: number;
  readonly cpu: CpuArch;
  readonly processorLevel: number;
  readonly processorRevision: number;
  /** number_of_processors. */
  readonly cpuCount: number;
  readonly productType: number;
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly buildNumber: number;
  readonly platformId: number;
  readonly os: OsKind;
  /** OS name as rust-minidump prints it: `Windows NT`, `Mac OS X`, `Linux`... */
  readonly osName: string;
  /** Service pack (Windows), build (macOS) or full uname (Linux). */
  readonly csdVersion: string | undefined;
  readonly suiteMask: number;
  /** `major.minor.build`, or the kernel release parsed from a Linux uname. */
  readonly osVersion: string;
  /** Build part (`Service Pack 2`, `20G630`, `#1 SMP ...`), if any. */
  readonly osBuild: string | undefined;
  /** Both together, as rust-minidump's `os_ver`. */
  readonly osVersionFull: string;
  /** Description such as `GenuineIntel family 6 model 13 stepping 8`. */
  readonly cpuInfo: string | undefined;
  /** CPUID data, x86 only. */
  readonly x86CpuId: X86CpuId | undefined;
  /** ARM MIDR and ELF hwcaps, 32-bit ARM only. */
  readonly armCpuId: { cpuid: number; elfHwcaps: number } | undefined;
}

const SYSTEM_INFO_SIZE = 56;
const CPU_UNION = 32;

type RawSystemInfo = Omit<
  SystemInfo,
  | 'osVersion'
  | 'osBuild'
  | 'osVersionFull'
  | 'cpuInfo'
  | 'x86CpuId'
  | 'armCpuId'
>;

function readFixedFields(ctx: StreamContext): RawSystemInfo {
  const d = ctx.data;
  const processorArchitecture = d.u16(0);
  const platformId = d.u32(20);
  const os = osKindOf(platformId);
  return {
    processorArchitecture,
    cpu: cpuArchOf(processorArchitecture),
    processorLevel: d.u16(2),
    processorRevision: d.u16(4),
    cpuCount: d.u8(6),
    productType: d.u8(7),
    majorVersion: d.u32(8),
    minorVersion: d.u32(12),
    buildNumber: d.u32(16),
    platformId,
    os,
    osName: osDisplayName(os),
    csdVersion: readCsd(ctx, d.u32(24)),
    suiteMask: d.u16(28),
  };
}

/** Parses the stream; the CSD string failing is a soft error only. */
export function parseSystemInfo(ctx: StreamContext): SystemInfo {
  requireSize(ctx, SYSTEM_INFO_SIZE);
  const d = ctx.data;
  const base = readFixedFields(ctx);
  const { cpu } = base;
  const { osVersion, osBuild } = osParts(base);
  const x86CpuId = cpu === 'x86' ? readX86CpuId(ctx) : undefined;
  return {
    ...base,
    osVersion,
    osBuild,
    osVersionFull:
      osBuild === undefined ? osVersion : `${osVersion} ${osBuild}`,
    cpuInfo: cpuInfo(
      cpu,
      base.processorLevel,
      base.processorRevision,
      x86CpuId,
    ),
    x86CpuId,
    armCpuId:
      cpu === 'arm'
        ? { cpuid: d.u32(CPU_UNION), elfHwcaps: d.u32(CPU_UNION + 4) }
        : undefined,
  };
}

function readCsd(ctx: StreamContext, rva: number): string | undefined {
  if (rva === 0) {
    return undefined;
  }
  try {
    return readMinidumpString(ctx.file, rva);
  } catch (err) {
    ctx.warn('truncated', `${ctx.name}: CSD version string: ${String(err)}`);
    return undefined;
  }
}

function readX86CpuId(ctx: StreamContext): X86CpuId {
  const d = ctx.data;
  const vendor = d.bytes(CPU_UNION, 12).toString('latin1').replace(/\0+$/, '');
  return {
    vendor,
    versionInformation: d.u32(CPU_UNION + 12),
    featureInformation: d.u32(CPU_UNION + 16),
    amdExtendedCpuFeatures: d.u32(CPU_UNION + 20),
  };
}

function cpuInfo(
  cpu: CpuArch,
  level: number,
  revision: number,
  x86: X86CpuId | undefined,
): string | undefined {
  if (cpu === 'x86' || cpu === 'amd64') {
    // Only x86 dumps store the vendor; amd64 has other data in the union.
    const vendor = x86?.vendor ? `${x86.vendor} ` : '';
    const model = (revision >> 8) & 0xff;
    return `${vendor}family ${level} model ${model} stepping ${revision & 0xff}`;
  }
  return cpu === 'arm' ? `ARMv${level}` : undefined;
}

/**
 * Splits the OS version the way rust-minidump does: `major.minor.build`
 * plus the CSD string, except on Linux where the numbers are zero and the
 * version comes from `uname -srvmo` text ("Linux <release> <version...>
 * <machine> [GNU/Linux]").
 */
function osParts(info: {
  platformId: number;
  majorVersion: number;
  minorVersion: number;
  buildNumber: number;
  os: OsKind;
  csdVersion: string | undefined;
}): { osVersion: string; osBuild: string | undefined } {
  const numeric = `${info.majorVersion}.${info.minorVersion}.${info.buildNumber}`;
  const build = info.csdVersion?.trim() || undefined;
  if (info.os !== 'linux' || numeric !== '0.0.0' || build === undefined) {
    return { osVersion: numeric, osBuild: build };
  }
  const words = build.split(' ');
  const release = words[1];
  if (release === undefined || release === '') {
    return { osVersion: numeric, osBuild: build };
  }
  let rest = words.slice(2);
  if (rest.at(-1) === 'Linux/GNU' || rest.at(-1) === 'GNU/Linux') {
    rest = rest.slice(0, -1);
  }
  const osBuild = rest.slice(0, -1).join(' ');
  return { osVersion: release, osBuild: osBuild === '' ? undefined : osBuild };
}
