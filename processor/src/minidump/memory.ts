/**
 * Captured process memory: regions from the memory lists and thread
 * stacks, with bounds-checked reads by address.
 */
import { RangeIndex } from './range-index.js';

/** A block of process memory captured in the dump. */
export class MemoryRegion {
  /** Byte length as a bigint. */
  readonly size: bigint;
  /** Exclusive end address. */
  readonly end: bigint;

  /**
   * @param base - address of the first byte
   * @param bytes - the captured bytes (a view into the dump; not copied)
   */
  constructor(
    readonly base: bigint,
    readonly bytes: Buffer,
  ) {
    this.size = BigInt(bytes.length);
    this.end = base + this.size;
  }

  /** True when [address, address+length) lies inside the region. */
  contains(address: bigint, length = 1): boolean {
    return this.offsetOf(address, length) >= 0;
  }

  /** Offset of `address` into `bytes` if `length` bytes fit, else -1. */
  offsetOf(address: bigint, length: number): number {
    const off = address - this.base;
    if (off < 0n || length < 0 || off + BigInt(length) > this.size) {
      return -1;
    }
    return Number(off);
  }

  /** `length` bytes at `address` (a view), or undefined if not all inside. */
  read(address: bigint, length: number): Buffer | undefined {
    const off = this.offsetOf(address, length);
    return off < 0 ? undefined : this.bytes.subarray(off, off + length);
  }

  /** The little-endian u32 at `address`, or undefined. */
  readU32(address: bigint): number | undefined {
    const off = this.offsetOf(address, 4);
    return off < 0 ? undefined : this.bytes.readUInt32LE(off);
  }

  /** The little-endian u64 at `address`, or undefined. */
  readU64(address: bigint): bigint | undefined {
    const off = this.offsetOf(address, 8);
    return off < 0 ? undefined : this.bytes.readBigUInt64LE(off);
  }

  /** A pointer-sized value (4 or 8 bytes) at `address`, or undefined. */
  readPointer(address: bigint, width: 4 | 8): bigint | undefined {
    if (width === 8) {
      return this.readU64(address);
    }
    const v = this.readU32(address);
    return v === undefined ? undefined : BigInt(v);
  }
}

/** All captured memory of a dump, searchable by address. */
export class MemoryIndex {
  private readonly index: RangeIndex<MemoryRegion>;

  /** Regions may overlap; identical duplicates are dropped. */
  constructor(regions: readonly MemoryRegion[]) {
    const seen = new Set<string>();
    const unique = regions.filter((r) => {
      const key = `${r.base}:${r.bytes.length}:${r.bytes.byteOffset}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    this.index = new RangeIndex(unique, (r) => ({ start: r.base, end: r.end }));
  }

  /** Regions in ascending address order. */
  get regions(): readonly MemoryRegion[] {
    return this.index.sorted;
  }

  /** The region holding [address, address+length), or undefined. */
  find(address: bigint, length = 1): MemoryRegion | undefined {
    return this.index.find(address, BigInt(length));
  }

  /** `length` bytes at `address` from one region, or undefined. */
  read(address: bigint, length: number): Buffer | undefined {
    return this.find(address, length)?.read(address, length);
  }

  /** The little-endian u32 at `address`, or undefined. */
  readU32(address: bigint): number | undefined {
    return this.find(address, 4)?.readU32(address);
  }

  /** The little-endian u64 at `address`, or undefined. */
  readU64(address: bigint): bigint | undefined {
    return this.find(address, 8)?.readU64(address);
  }

  /** A pointer-sized value at `address`, or undefined. */
  readPointer(address: bigint, width: 4 | 8): bigint | undefined {
    return this.find(address, width)?.readPointer(address, width);
  }
}
