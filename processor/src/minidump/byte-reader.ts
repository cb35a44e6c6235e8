/**
 * Bounds-checked little-endian reads over a window of a Buffer. Every read
 * that would leave the window throws a `truncated` {@link MinidumpError}
 * instead of returning garbage or a RangeError.
 */
import { MinidumpError } from './errors.js';

/** A Windows GUID in its native (little-endian) field layout. */
export interface Guid {
  readonly data1: number;
  readonly data2: number;
  readonly data3: number;
  /** The last 8 bytes, in stored order. */
  readonly data4: Uint8Array;
}

/** Size in bytes of a stored GUID. */
export const GUID_SIZE = 16;

/** Reads fixed-layout little-endian values from `buf[start, start+length)`. */
export class ByteReader {
  /** Number of readable bytes in the window. */
  readonly length: number;

  /**
   * @param buf - the whole backing buffer (never copied)
   * @param start - absolute offset of the window in `buf`
   * @param length - window length; defaults to the rest of `buf`
   * @param what - name used in error messages
   */
  constructor(
    readonly buf: Buffer,
    readonly start = 0,
    length?: number,
    readonly what = 'minidump',
  ) {
    const max = buf.length - start;
    this.length = length ?? max;
    if (start < 0 || this.length < 0 || this.length > max) {
      throw new MinidumpError(
        'truncated',
        `${what}: window of ${this.length} bytes at ${start} exceeds ${buf.length}-byte buffer`,
      );
    }
  }

  /** Throws unless `size` bytes at `offset` lie inside the window. */
  check(offset: number, size: number): void {
    if (
      !(offset >= 0 && size >= 0 && offset + size <= this.length) ||
      !Number.isInteger(offset)
    ) {
      throw new MinidumpError(
        'truncated',
        `${this.what}: ${size}-byte read at offset ${offset} is past the end (${this.length} bytes)`,
      );
    }
  }

  /** True when `size` bytes at `offset` lie inside the window. */
  has(offset: number, size: number): boolean {
    return offset >= 0 && size >= 0 && offset + size <= this.length;
  }

  /** The byte at `offset`. */
  u8(offset: number): number {
    this.check(offset, 1);
    return this.buf[this.start + offset] ?? 0;
  }

  /** The little-endian u16 at `offset`. */
  u16(offset: number): number {
    this.check(offset, 2);
    return this.buf.readUInt16LE(this.start + offset);
  }

  /** The little-endian u32 at `offset`. */
  u32(offset: number): number {
    this.check(offset, 4);
    return this.buf.readUInt32LE(this.start + offset);
  }

  /** The little-endian signed i32 at `offset`. */
  i32(offset: number): number {
    this.check(offset, 4);
    return this.buf.readInt32LE(this.start + offset);
  }

  /** A 64-bit unsigned value, exact as a bigint. */
  u64(offset: number): bigint {
    this.check(offset, 8);
    return this.buf.readBigUInt64LE(this.start + offset);
  }

  /** `length` bytes as a view into the backing buffer (no copy). */
  bytes(offset: number, length: number): Buffer {
    this.check(offset, length);
    const at = this.start + offset;
    return this.buf.subarray(at, at + length);
  }

  /** A nested window; offsets of the result are relative to `offset`. */
  sub(offset: number, length: number, what = this.what): ByteReader {
    this.check(offset, length);
    return new ByteReader(this.buf, this.start + offset, length, what);
  }

  /** `count` u32 values starting at `offset`. */
  u32Array(offset: number, count: number): number[] {
    this.check(offset, count * 4);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.buf.readUInt32LE(this.start + offset + i * 4);
    }
    return out;
  }

  /** `count` u64 values starting at `offset`. */
  u64Array(offset: number, count: number): bigint[] {
    this.check(offset, count * 8);
    const out = new Array<bigint>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.buf.readBigUInt64LE(this.start + offset + i * 8);
    }
    return out;
  }

  /** UTF-16LE text of exactly `byteLength` bytes (an odd last byte is dropped). */
  utf16(offset: number, byteLength: number): string {
    this.check(offset, byteLength);
    const at = this.start + offset;
    return this.buf.toString('utf16le', at, at + (byteLength & ~1));
  }

  /** UTF-16LE text in a fixed-size array, cut at the first NUL character. */
  utf16Fixed(offset: number, byteLength: number): string {
    this.check(offset, byteLength);
    const at = this.start + offset;
    let end = at;
    const limit = at + (byteLength & ~1);
    while (end < limit && (this.buf[end] !== 0 || this.buf[end + 1] !== 0)) {
      end += 2;
    }
    return this.buf.toString('utf16le', at, end);
  }

  /** UTF-8 text of at most `maxLength` bytes, cut at the first NUL byte. */
  utf8z(offset: number, maxLength: number): string {
    this.check(offset, maxLength);
    const at = this.start + offset;
    const nul = this.buf.subarray(at, at + maxLength).indexOf(0);
    return this.buf.toString('utf8', at, at + (nul < 0 ? maxLength : nul));
  }

  /** A GUID stored as {u32, u16, u16, u8[8]}. */
  guid(offset: number): Guid {
    this.check(offset, GUID_SIZE);
    const at = this.start + offset;
    return {
      data1: this.buf.readUInt32LE(at),
      data2: this.buf.readUInt16LE(at + 4),
      data3: this.buf.readUInt16LE(at + 6),
      data4: Uint8Array.from(this.buf.subarray(at + 8, at + 16)),
    };
  }
}

function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}

/** Two uppercase hex digits for each byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => hex(b, 2));

/**
 * The GUID as 32 uppercase hex digits, fields in reading order. Built from
 * a byte table: every module of every dump goes through here.
 */
export function guidToHex(guid: Guid): string {
  const { data1, data2, data3, data4 } = guid;
  let out =
    BYTE_HEX[data1 >>> 24]! +
    BYTE_HEX[(data1 >>> 16) & 0xff]! +
    BYTE_HEX[(data1 >>> 8) & 0xff]! +
    BYTE_HEX[data1 & 0xff]! +
    BYTE_HEX[data2 >>> 8]! +
    BYTE_HEX[data2 & 0xff]! +
    BYTE_HEX[data3 >>> 8]! +
    BYTE_HEX[data3 & 0xff]!;
  for (let i = 0; i < 8; i++) {
    out += BYTE_HEX[data4[i] ?? 0]!;
  }
  return out;
}

/** The GUID in its canonical dashed form, uppercase (8-4-4-4-12). */
export function guidToString(guid: Guid): string {
  const h = guidToHex(guid);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
