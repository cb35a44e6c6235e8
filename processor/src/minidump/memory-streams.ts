/**
 * MemoryListStream, Memory64ListStream and MemoryInfoListStream.
 */
import { readLocation } from './location.js';
import { MemoryRegion } from './memory.js';
import {
  listLayout,
  requireSize,
  sizedListLayout,
  tryEntry,
  type StreamContext,
} from './stream-context.js';

const MEMORY_DESCRIPTOR_SIZE = 16;

/** Regions of a MemoryListStream; unreadable descriptors are skipped. */
export function parseMemoryList(ctx: StreamContext): MemoryRegion[] {
  const { offset, count } = listLayout(ctx, MEMORY_DESCRIPTOR_SIZE);
  const regions: MemoryRegion[] = [];
  for (let i = 0; i < count; i++) {
    const at = offset + i * MEMORY_DESCRIPTOR_SIZE;
    const region = tryEntry(ctx, i, () => {
      const loc = readLocation(ctx.data, at + 8);
      return new MemoryRegion(
        ctx.data.u64(at),
        ctx.file.bytes(loc.rva, loc.size),
      );
    });
    if (region !== undefined) {
      regions.push(region);
    }
  }
  return regions;
}

/**
 * Regions of a Memory64ListStream: u64 count, u64 base RVA, then
 * {u64 start, u64 size} pairs whose bytes follow each other from the base.
 */
export function parseMemory64List(ctx: StreamContext): MemoryRegion[] {
  requireSize(ctx, 16);
  const { data, file } = ctx;
  const declared = data.u64(0);
  const fit = BigInt(Math.floor((data.length - 16) / MEMORY_DESCRIPTOR_SIZE));
  let count = Number(declared);
  if (declared > fit) {
    ctx.warn(
      'too_many_entries',
      `${ctx.name}: ${declared} ranges do not fit in ${data.length} bytes; reading ${fit}`,
    );
    count = Number(fit);
  }
  let rva = data.u64(8);
  const fileLength = BigInt(file.length);
  const regions: MemoryRegion[] = [];
  for (let i = 0; i < count; i++) {
    const at = 16 + i * MEMORY_DESCRIPTOR_SIZE;
    const size = data.u64(at + 8);
    if (rva + size > fileLength) {
      ctx.warn(
        'truncated',
        `${ctx.name}[${i}]: ${size} bytes at 0x${rva.toString(16)} run ` +
          `past the end of the file; ${count - i} ranges dropped`,
      );
      break;
    }
    regions.push(
      new MemoryRegion(data.u64(at), file.bytes(Number(rva), Number(size))),
    );
    rva += size;
  }
  return regions;
}

/** One MINIDUMP_MEMORY_INFO entry: the state of a range of address space. */
export interface MemoryInfo {
  readonly baseAddress: bigint;
  readonly allocationBase: bigint;
  /** PAGE_* protection the allocation was created with. */
  readonly allocationProtection: number;
  readonly regionSize: bigint;
  /** MEM_COMMIT 0x1000, MEM_RESERVE 0x2000, MEM_FREE 0x10000. */
  readonly state: number;
  /** Current PAGE_* protection. */
  readonly protection: number;
  /** MEM_PRIVATE 0x20000, MEM_MAPPED 0x40000, MEM_IMAGE 0x1000000. */
  readonly type: number;
}

const MEMORY_INFO_MIN_SIZE = 48;

/** Entries of a MemoryInfoListStream (header gives header/entry sizes). */
export function parseMemoryInfoList(ctx: StreamContext): MemoryInfo[] {
  requireSize(ctx, 16);
  const d = ctx.data;
  const header = { size: d.u32(0), entrySize: d.u32(4), count: d.u64(8) };
  const list = sizedListLayout(ctx, header, {
    header: 16,
    entry: MEMORY_INFO_MIN_SIZE,
  });
  const out: MemoryInfo[] = [];
  for (let i = 0; i < (list?.count ?? 0); i++) {
    const at = (list?.offset ?? 0) + i * (list?.stride ?? 0);
    out.push({
      baseAddress: d.u64(at),
      allocationBase: d.u64(at + 8),
      allocationProtection: d.u32(at + 16),
      regionSize: d.u64(at + 24),
      state: d.u32(at + 32),
      protection: d.u32(at + 36),
      type: d.u32(at + 40),
    });
  }
  return out;
}
