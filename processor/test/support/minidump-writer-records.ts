/**
 * Encoders of fixed records for the synthetic writer: system info, misc
 * info, modules and their CodeView records, exception, assertion.
 */
import {
  countedList,
  guidBytes,
  writeLocation,
  type Out,
} from './minidump-writer-streams.js';

/** Operating systems the writer can claim. */
export type WriterOs =
  'windows' | 'linux' | 'macos' | 'ios' | 'android' | 'unknown';

const platformIds: Readonly<Record<WriterOs, number>> = {
  windows: 2,
  macos: 0x8101,
  ios: 0x8102,
  linux: 0x8201,
  android: 0x8203,
  unknown: 0xffff,
};

/** SystemInfo fields (sensible defaults for everything). */
export interface SystemInfoSpec {
  /** processor_architecture (0 x86, 9 amd64, 12 arm64, 0x8003 old arm64). */
  readonly architecture: number;
  readonly os: WriterOs;
  readonly level?: number;
  readonly revision?: number;
  readonly cpuCount?: number;
  readonly major?: number;
  readonly minor?: number;
  readonly build?: number;
  /** Service pack / build / uname string. */
  readonly csd?: string;
  /** x86 CPUID vendor (12 characters). */
  readonly vendor?: string;
}

/** Encodes the 56-byte SystemInfo stream. */
export function encodeSystemInfo(out: Out, s: SystemInfoSpec): Buffer {
  const buf = Buffer.alloc(56);
  buf.writeUInt16LE(s.architecture, 0);
  buf.writeUInt16LE(s.level ?? 6, 2);
  buf.writeUInt16LE(s.revision ?? 0x0d08, 4);
  buf.writeUInt8(s.cpuCount ?? 4, 6);
  buf.writeUInt32LE(s.major ?? 0, 8);
  buf.writeUInt32LE(s.minor ?? 0, 12);
  buf.writeUInt32LE(s.build ?? 0, 16);
  buf.writeUInt32LE(platformIds[s.os], 20);
  buf.writeUInt32LE(s.csd === undefined ? 0 : out.string(s.csd), 24);
  if (s.vendor !== undefined) {
    Buffer.from(s.vendor.padEnd(12, '\0').slice(0, 12), 'latin1').copy(buf, 32);
  }
  return buf;
}

/** MiscInfo fields; flags are set for what is given. */
export interface MiscInfoSpec {
  /** Stream size: 24, 44, 232, 832 or 1364 (versions 1 to 5). */
  readonly size?: number;
  readonly processId?: number;
  readonly processCreateTime?: number;
  readonly userTime?: number;
  readonly kernelTime?: number;
  /** Written at version 4+ (needs size >= 832). */
  readonly buildString?: string;
}

/** Encodes the MiscInfo stream. */
export function encodeMiscInfo(m: MiscInfoSpec): Buffer {
  const buf = Buffer.alloc(m.size ?? 24);
  let flags = 0;
  buf.writeUInt32LE(buf.length, 0);
  if (m.processId !== undefined) {
    flags |= 1;
    buf.writeUInt32LE(m.processId, 8);
  }
  if (m.processCreateTime !== undefined) {
    flags |= 2;
    buf.writeUInt32LE(m.processCreateTime, 12);
    buf.writeUInt32LE(m.userTime ?? 0, 16);
    buf.writeUInt32LE(m.kernelTime ?? 0, 20);
  }
  if (m.buildString !== undefined && buf.length >= 832) {
    flags |= 0x100;
    Buffer.from(m.buildString, 'utf16le').copy(buf, 232, 0, 518);
  }
  buf.writeUInt32LE(flags, 4);
  return buf;
}

/** A module to list. */
export interface ModuleSpec {
  readonly base: bigint;
  readonly size: number;
  /** Code file path. */
  readonly name: string;
  readonly timeDateStamp?: number;
  readonly checksum?: number;
  /** File version a.b.c.d written to VS_FIXEDFILEINFO. */
  readonly version?: readonly [number, number, number, number];
  /** RSDS record: GUID (dashed or hex), age, PDB path. */
  readonly pdb?: {
    readonly guid: string;
    readonly age: number;
    readonly file: string;
  };
  /** NB10 record. */
  readonly nb10?: {
    readonly signature: number;
    readonly age: number;
    readonly file: string;
  };
  /** 'BpEL' record with this build id. */
  readonly buildId?: Buffer;
  /** Raw CodeView bytes, written as given. */
  readonly codeView?: Buffer;
}

function codeViewOf(m: ModuleSpec): Buffer | undefined {
  if (m.pdb !== undefined) {
    const file = Buffer.from(`${m.pdb.file}\0`, 'utf8');
    const buf = Buffer.alloc(24 + file.length);
    buf.write('RSDS', 0, 'latin1');
    guidBytes(m.pdb.guid).copy(buf, 4);
    buf.writeUInt32LE(m.pdb.age, 20);
    file.copy(buf, 24);
    return buf;
  }
  if (m.nb10 !== undefined) {
    const file = Buffer.from(`${m.nb10.file}\0`, 'utf8');
    const buf = Buffer.alloc(16 + file.length);
    buf.write('NB10', 0, 'latin1');
    buf.writeUInt32LE(m.nb10.signature, 8);
    buf.writeUInt32LE(m.nb10.age, 12);
    file.copy(buf, 16);
    return buf;
  }
  if (m.buildId !== undefined) {
    // The signature is the u32 0x4270454c ('BpEL' read big-endian).
    const head = Buffer.alloc(4);
    head.writeUInt32LE(0x4270454c, 0);
    return Buffer.concat([head, m.buildId]);
  }
  return m.codeView;
}

/** Encodes a module list (u32 count + 108-byte entries). */
export function encodeModuleList(
  out: Out,
  modules: readonly ModuleSpec[],
): Buffer {
  const parts = modules.map((m) => {
    const cv = codeViewOf(m);
    return {
      name: out.string(m.name),
      cv: cv && ([cv.length, out.put(cv)] as const),
    };
  });
  return countedList(modules.length, 108, (b, at, i) => {
    const m = modules[i];
    const p = parts[i];
    if (m === undefined || p === undefined) {
      return;
    }
    b.writeBigUInt64LE(m.base, at);
    b.writeUInt32LE(m.size, at + 8);
    b.writeUInt32LE(m.checksum ?? 0, at + 12);
    b.writeUInt32LE(m.timeDateStamp ?? 0, at + 16);
    b.writeUInt32LE(p.name, at + 20);
    if (m.version !== undefined) {
      const [a, bb, c, d] = m.version;
      b.writeUInt32LE(0xfeef04bd, at + 24);
      b.writeUInt32LE(0x10000, at + 28);
      b.writeUInt32LE(((a << 16) | bb) >>> 0, at + 32);
      b.writeUInt32LE(((c << 16) | d) >>> 0, at + 36);
    }
    if (p.cv !== undefined) {
      writeLocation(b, at + 76, p.cv[0], p.cv[1]);
    }
  });
}

/** An unloaded module. */
export interface UnloadedModuleSpec {
  readonly base: bigint;
  readonly size: number;
  readonly name: string;
  readonly timeDateStamp?: number;
}

/** Encodes UnloadedModuleList: {12, 24, count} then 24-byte entries. */
export function encodeUnloadedModules(
  out: Out,
  list: readonly UnloadedModuleSpec[],
): Buffer {
  const buf = Buffer.alloc(12 + list.length * 24);
  buf.writeUInt32LE(12, 0);
  buf.writeUInt32LE(24, 4);
  buf.writeUInt32LE(list.length, 8);
  list.forEach((m, i) => {
    const at = 12 + i * 24;
    buf.writeBigUInt64LE(m.base, at);
    buf.writeUInt32LE(m.size, at + 8);
    buf.writeUInt32LE(m.timeDateStamp ?? 0, at + 16);
    buf.writeUInt32LE(out.string(m.name), at + 20);
  });
  return buf;
}

/** An AssertionInfo record. */
export interface AssertionSpec {
  readonly expression: string;
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly type: number;
}

/** Encodes the 776-byte AssertionInfo stream. */
export function encodeAssertion(a: AssertionSpec): Buffer {
  const buf = Buffer.alloc(776);
  [a.expression, a.function, a.file].forEach((text, i) => {
    Buffer.from(text, 'utf16le').copy(buf, i * 256, 0, 254);
  });
  buf.writeUInt32LE(a.line, 768);
  buf.writeUInt32LE(a.type, 772);
  return buf;
}
