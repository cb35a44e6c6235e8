/**
 * Helpers that damage a minidump in controlled ways, for robustness tests.
 * Every helper returns a modified copy and leaves its input alone.
 */

/** Where a stream's directory entry and data are. */
export interface StreamSpot {
  /** Offset of the 12-byte directory entry. */
  readonly entry: number;
  readonly size: number;
  readonly rva: number;
}

/** Finds the first directory entry of `type`; throws when absent. */
export function findStream(dump: Buffer, type: number): StreamSpot {
  const count = dump.readUInt32LE(8);
  const dir = dump.readUInt32LE(12);
  for (let i = 0; i < count; i++) {
    const entry = dir + i * 12;
    if (dump.readUInt32LE(entry) === type) {
      return {
        entry,
        size: dump.readUInt32LE(entry + 4),
        rva: dump.readUInt32LE(entry + 8),
      };
    }
  }
  throw new Error(`no stream of type 0x${type.toString(16)}`);
}

/** The first `length` bytes of the dump. */
export function truncate(dump: Buffer, length: number): Buffer {
  return Buffer.from(dump.subarray(0, length));
}

/** A copy with the u32 at `offset` replaced. */
export function patchU32(dump: Buffer, offset: number, value: number): Buffer {
  const copy = Buffer.from(dump);
  copy.writeUInt32LE(value >>> 0, offset);
  return copy;
}

/** A copy with the u64 at `offset` replaced. */
export function patchU64(dump: Buffer, offset: number, value: bigint): Buffer {
  const copy = Buffer.from(dump);
  copy.writeBigUInt64LE(value, offset);
  return copy;
}

/** Sets the directory data_size of a stream. */
export function setStreamSize(
  dump: Buffer,
  type: number,
  size: number,
): Buffer {
  return patchU32(dump, findStream(dump, type).entry + 4, size);
}

/** Sets the directory RVA of a stream. */
export function setStreamRva(dump: Buffer, type: number, rva: number): Buffer {
  return patchU32(dump, findStream(dump, type).entry + 8, rva);
}

/**
 * Overwrites the u32 at `offset` inside a stream's data; offset 0 is the
 * entry count of list streams.
 */
export function setStreamU32(
  dump: Buffer,
  type: number,
  offset: number,
  value: number,
): Buffer {
  return patchU32(dump, findStream(dump, type).rva + offset, value);
}

/** Sets the header's stream count. */
export function setStreamCount(dump: Buffer, count: number): Buffer {
  return patchU32(dump, 8, count);
}

/** Overwrites `length` bytes of a stream's data with `fill`. */
export function scribble(
  dump: Buffer,
  type: number,
  offset: number,
  length: number,
  fill = 0xff,
): Buffer {
  const copy = Buffer.from(dump);
  const { rva } = findStream(dump, type);
  copy.fill(fill, rva + offset, rva + offset + length);
  return copy;
}
