/**
 * Breakpad's Linux streams: raw copies of /proc and /etc files taken when
 * the dump was written. Text streams are decoded as UTF-8.
 */
import type { ByteReader } from './byte-reader.js';

/** A value that may hold personal data and must not be shown publicly. */
export interface ProtectedValue<T> {
  readonly protected: true;
  readonly value: T;
}

/** /etc/lsb-release (or os-release) fields; empty when absent. */
export interface LsbRelease {
  readonly id: string;
  readonly release: string;
  readonly codename: string;
  readonly description: string;
}

/** One line of /proc/self/maps. */
export interface LinuxMapEntry {
  readonly start: bigint;
  /** Exclusive end. */
  readonly end: bigint;
  /** e.g. `r-xp`. */
  readonly permissions: string;
  readonly offset: bigint;
  readonly device: string;
  readonly inode: number;
  /** Mapped file or pseudo-name (`[stack]`); empty for anonymous maps. */
  readonly path: string;
}

/** One auxiliary vector entry. */
export interface AuxvEntry {
  readonly type: bigint;
  readonly value: bigint;
}

/** Everything read from the Linux streams that were present. */
export interface LinuxInfo {
  /** /proc/cpuinfo text. */
  readonly cpuInfo?: string;
  /** The `microcode` value of /proc/cpuinfo, if listed. */
  readonly microcodeVersion?: bigint;
  /** /proc/self/status as key/value pairs (`Pid`, `Name`, ...). */
  readonly procStatus?: ReadonlyMap<string, string>;
  readonly lsbRelease?: LsbRelease;
  /** /proc/self/cmdline split into arguments. */
  readonly cmdline?: readonly string[];
  /** /proc/self/environ entries (`KEY=value`): protected data. */
  readonly environ?: ProtectedValue<readonly string[]>;
  readonly auxv?: readonly AuxvEntry[];
  readonly maps?: readonly LinuxMapEntry[];
  /** Number of bytes of the DSO debug stream (not decoded). */
  readonly dsoDebugSize?: number;
}

/** The stream as text, without trailing NUL bytes. */
export function streamText(data: ByteReader): string {
  return data.bytes(0, data.length).toString('utf8').replace(/\0+$/, '');
}

function unquote(value: string): string {
  const v = value.trim();
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]
    ? v.slice(1, -1)
    : v;
}

/** Parses lsb-release (`DISTRIB_*`) or os-release (`ID=`, ...) text. */
export function parseLsbRelease(text: string): LsbRelease {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      kv.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1)));
    }
  }
  const pick = (...keys: string[]): string =>
    keys.map((k) => kv.get(k)).find((v) => v !== undefined) ?? '';
  return {
    id: pick('DISTRIB_ID', 'ID'),
    release: pick('DISTRIB_RELEASE', 'VERSION_ID'),
    codename: pick('DISTRIB_CODENAME', 'VERSION_CODENAME'),
    description: pick('DISTRIB_DESCRIPTION', 'PRETTY_NAME'),
  };
}

/** Parses `Key:\tvalue` lines of /proc/self/status. */
export function parseProcStatus(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      out.set(line.slice(0, colon), line.slice(colon + 1).trim());
    }
  }
  return out;
}

/** The `microcode` field of /proc/cpuinfo (hex or decimal). */
export function parseMicrocode(cpuInfo: string): bigint | undefined {
  const m = /^microcode\s*:\s*(0x[0-9a-f]+|\d+)\s*$/im.exec(cpuInfo);
  return m?.[1] === undefined ? undefined : BigInt(m[1]);
}

const MAPS_LINE =
  /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+(\S+)\s+(\d+)\s*(.*)$/i;

/** Parses /proc/self/maps lines; malformed lines are skipped. */
export function parseMaps(text: string): LinuxMapEntry[] {
  const out: LinuxMapEntry[] = [];
  for (const line of text.split('\n')) {
    const m = MAPS_LINE.exec(line);
    if (m === null) {
      continue;
    }
    const [
      ,
      start = '0',
      end = '0',
      perms = '',
      off = '0',
      dev = '',
      inode = '0',
      path = '',
    ] = m;
    out.push({
      start: BigInt(`0x${start}`),
      end: BigInt(`0x${end}`),
      permissions: perms,
      offset: BigInt(`0x${off}`),
      device: dev,
      inode: Number(inode),
      path: path.trim(),
    });
  }
  return out;
}

/** Splits NUL-separated strings (cmdline, environ). */
export function splitNul(data: ByteReader): string[] {
  const parts = data.bytes(0, data.length).toString('utf8').split('\0');
  while (parts.length > 0 && parts.at(-1) === '') {
    parts.pop();
  }
  return parts;
}

/** Parses the auxiliary vector: (type, value) pairs of pointer width. */
export function parseAuxv(data: ByteReader, width: 4 | 8): AuxvEntry[] {
  const out: AuxvEntry[] = [];
  const step = width * 2;
  for (let at = 0; at + step <= data.length; at += step) {
    const type = width === 8 ? data.u64(at) : BigInt(data.u32(at));
    const value = width === 8 ? data.u64(at + 8) : BigInt(data.u32(at + 4));
    if (type === 0n) {
      break; // AT_NULL ends the vector
    }
    out.push({ type, value });
  }
  return out;
}
