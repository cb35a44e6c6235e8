/**
 * MiscInfoStream (MINIDUMP_MISC_INFO versions 1 to 5). Each field is read
 * only when the stream is long enough for its version and, for flagged
 * fields, when its flags1 bit is set.
 */
import type { ByteReader } from './byte-reader.js';
import { requireSize, type StreamContext } from './stream-context.js';

/** flags1 bits. */
const PROCESS_ID = 0x1;
const PROCESS_TIMES = 0x2;
const POWER_INFO = 0x4;
const PROCESS_INTEGRITY = 0x10;
const PROCESS_EXECUTE_FLAGS = 0x20;
const TIMEZONE = 0x40;
const PROTECTED_PROCESS = 0x80;
const BUILD_STRING = 0x100;
const PROCESS_COOKIE = 0x200;

/** Stream sizes of the five versions. */
const V2_SIZE = 44;
const V3_SIZE = 232;
const V4_SIZE = 832;
const V5_SIZE = 1364;

/** Processor power data (version 2+). */
export interface MiscPowerInfo {
  readonly maxMhz: number;
  readonly currentMhz: number;
  readonly mhzLimit: number;
  readonly maxIdleState: number;
  readonly currentIdleState: number;
}

/** Time zone data (version 3+). */
export interface MiscTimeZone {
  readonly id: number;
  /** Minutes west of UTC. */
  readonly bias: number;
  readonly standardName: string;
  readonly standardBias: number;
  readonly daylightName: string;
  readonly daylightBias: number;
}

/** The parsed MiscInfoStream; absent fields were not recorded. */
export interface MiscInfo {
  /** 1 to 5, from the stream size. */
  readonly version: number;
  readonly sizeOfInfo: number;
  readonly flags1: number;
  readonly processId: number | undefined;
  /** Process start, Unix seconds. */
  readonly processCreateTime: number | undefined;
  /** CPU seconds in user mode. */
  readonly processUserTime: number | undefined;
  /** CPU seconds in kernel mode. */
  readonly processKernelTime: number | undefined;
  readonly power: MiscPowerInfo | undefined;
  readonly processIntegrityLevel: number | undefined;
  readonly processExecuteFlags: number | undefined;
  readonly protectedProcess: number | undefined;
  readonly timeZone: MiscTimeZone | undefined;
  /** OS build string such as `10.0.22000.282 (WinBuild.160101.0800)`. */
  readonly buildString: string | undefined;
  readonly debugBuildString: string | undefined;
  /** XSTATE enabled-feature mask (version 5), for extended contexts. */
  readonly xstateEnabledFeatures: bigint | undefined;
  readonly processCookie: number | undefined;
}

const VERSION_SIZES = [24, V2_SIZE, V3_SIZE, V4_SIZE, V5_SIZE];

/** Parses the stream; the shortest (24-byte) version is required. */
export function parseMiscInfo(ctx: StreamContext): MiscInfo {
  requireSize(ctx, 24);
  const d = ctx.data;
  const flags1 = d.u32(4);
  // A field exists only when its version's size is there and its flag is set.
  const opt = <T>(bit: number, minSize: number, read: () => T) =>
    (flags1 & bit) !== 0 && d.length >= minSize ? read() : undefined;
  return {
    version: VERSION_SIZES.filter((size) => d.length >= size).length,
    sizeOfInfo: d.u32(0),
    flags1,
    processId: opt(PROCESS_ID, 12, () => d.u32(8)),
    processCreateTime: opt(PROCESS_TIMES, 24, () => d.u32(12)),
    processUserTime: opt(PROCESS_TIMES, 24, () => d.u32(16)),
    processKernelTime: opt(PROCESS_TIMES, 24, () => d.u32(20)),
    power: opt(POWER_INFO, V2_SIZE, () => readPower(d)),
    processIntegrityLevel: opt(PROCESS_INTEGRITY, V3_SIZE, () => d.u32(44)),
    processExecuteFlags: opt(PROCESS_EXECUTE_FLAGS, V3_SIZE, () => d.u32(48)),
    protectedProcess: opt(PROTECTED_PROCESS, V3_SIZE, () => d.u32(52)),
    timeZone: opt(TIMEZONE, V3_SIZE, () => readTimeZone(d)),
    buildString: opt(BUILD_STRING, V4_SIZE, () => d.utf16Fixed(232, 520)),
    debugBuildString: opt(BUILD_STRING, V4_SIZE, () => d.utf16Fixed(752, 80)),
    // XSTATE_CONFIG_FEATURE_MSC_INFO: u32 size, u32 context size, u64 mask.
    xstateEnabledFeatures: d.length >= V5_SIZE ? d.u64(840) : undefined,
    processCookie: opt(PROCESS_COOKIE, V5_SIZE, () => d.u32(V5_SIZE - 4)),
  };
}

function readPower(d: ByteReader): MiscPowerInfo {
  return {
    maxMhz: d.u32(24),
    currentMhz: d.u32(28),
    mhzLimit: d.u32(32),
    maxIdleState: d.u32(36),
    currentIdleState: d.u32(40),
  };
}

/** TIME_ZONE_INFORMATION at 60: bias, name[32], SYSTEMTIME, bias, ... */
function readTimeZone(d: ByteReader): MiscTimeZone {
  return {
    id: d.u32(56),
    bias: d.i32(60),
    standardName: d.utf16Fixed(64, 64),
    standardBias: d.i32(144),
    daylightName: d.utf16Fixed(148, 64),
    daylightBias: d.i32(228),
  };
}
