/**
 * The 32-byte minidump header and the stream directory that follows it.
 */
import type { ByteReader } from './byte-reader.js';
import { MinidumpError } from './errors.js';

/** 'MDMP' read as a little-endian u32. */
export const MINIDUMP_SIGNATURE = 0x504d444d;
/** Low half of the header version of every minidump. */
export const MINIDUMP_VERSION = 0xa793;
const HEADER_SIZE = 32;
const DIRECTORY_ENTRY_SIZE = 12;

/** The minidump header (MINIDUMP_HEADER). */
export interface MinidumpHeader {
  /** Format version; the low 16 bits are always 0xA793. */
  readonly version: number;
  readonly streamCount: number;
  readonly streamDirectoryRva: number;
  readonly checksum: number;
  /** When the dump was written, in Unix seconds (the crash time). */
  readonly timeDateStamp: number;
  /** MINIDUMP_TYPE bits (informational). */
  readonly flags: bigint;
}

/** One stream directory entry. */
export interface StreamEntry {
  /** Stream type id (see `StreamType`). */
  readonly type: number;
  /** Byte length of the stream data. */
  readonly size: number;
  /** File offset of the stream data. */
  readonly rva: number;
  /** Position in the directory. */
  readonly index: number;
}

/** Reads and validates the header; throws a {@link MinidumpError}. */
export function readHeader(r: ByteReader): MinidumpHeader {
  if (r.length < HEADER_SIZE) {
    throw new MinidumpError(
      'truncated',
      `file of ${r.length} bytes is shorter than a minidump header`,
    );
  }
  const signature = r.u32(0);
  if (signature !== MINIDUMP_SIGNATURE) {
    // LIMITATION: big-endian dumps ('PMDM', from old PowerPC/SPARC writers)
    // are rejected as bad_signature.
    const detail =
      signature === 0x4d444d50 ? ' (big-endian dumps are not supported)' : '';
    throw new MinidumpError(
      'bad_signature',
      `not a minidump: signature 0x${signature.toString(16)}${detail}`,
    );
  }
  const version = r.u32(4);
  if ((version & 0xffff) !== MINIDUMP_VERSION) {
    throw new MinidumpError(
      'bad_version',
      `unknown minidump version 0x${version.toString(16)}`,
    );
  }
  return {
    version,
    streamCount: r.u32(8),
    streamDirectoryRva: r.u32(12),
    checksum: r.u32(16),
    timeDateStamp: r.u32(20),
    flags: r.u64(24),
  };
}

/** Reads the stream directory, keeping unused (type 0) entries out. */
export function readDirectory(
  r: ByteReader,
  header: MinidumpHeader,
): StreamEntry[] {
  const { streamCount: count, streamDirectoryRva: rva } = header;
  if (!r.has(rva, count * DIRECTORY_ENTRY_SIZE)) {
    throw new MinidumpError(
      'too_many_entries',
      `stream directory of ${count} entries at 0x${rva.toString(16)} does not fit in the file`,
    );
  }
  const entries: StreamEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = rva + i * DIRECTORY_ENTRY_SIZE;
    const type = r.u32(at);
    if (type === 0) {
      continue;
    }
    entries.push({ type, size: r.u32(at + 4), rva: r.u32(at + 8), index: i });
  }
  return entries;
}
