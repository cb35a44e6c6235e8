/**
 * Mutations of real minidumps for fuzzing the reader and the stack walker:
 * bit flips, byte overwrites, truncation, and inflated counts and sizes in
 * the stream directory and at the start of list streams. Deterministic for
 * a seed, so a failing case can be replayed.
 */

/** A small seeded generator (mulberry32): repeatable across runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The kinds of mutation, one per case. */
export const MUTATIONS = [
  'bit_flips',
  'byte_overwrite',
  'truncate',
  'inflate_stream_size',
  'inflate_list_count',
  'move_stream',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

const HUGE_VALUES = [0xffffffff, 0x7fffffff, 0x10000000, 0x00100000, 0x1000];

/** Returns a mutated copy of `dump` and the mutation applied. */
export function mutateDump(
  dump: Buffer,
  random: () => number,
): { bytes: Buffer; mutation: Mutation } {
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)]!;
  const mutation = pick(MUTATIONS);
  const bytes = Buffer.from(dump);
  const at = (limit: number) => Math.floor(random() * limit);
  const directory = streamDirectory(bytes);
  switch (mutation) {
    case 'bit_flips':
      for (let i = 1 + at(16); i > 0; i--) {
        const offset = at(bytes.length);
        bytes[offset] = bytes[offset]! ^ (1 << at(8));
      }
      return { bytes, mutation };
    case 'byte_overwrite': {
      const start = at(bytes.length);
      bytes.fill(at(256), start, Math.min(bytes.length, start + 1 + at(64)));
      return { bytes, mutation };
    }
    case 'truncate':
      return { bytes: bytes.subarray(0, at(bytes.length)), mutation };
    case 'inflate_stream_size': {
      const entry = directory.length > 0 ? pick(directory) : undefined;
      if (entry !== undefined) {
        bytes.writeUInt32LE(pick(HUGE_VALUES), entry + 4);
      }
      return { bytes, mutation };
    }
    case 'inflate_list_count': {
      const entry = directory.length > 0 ? pick(directory) : undefined;
      const rva =
        entry === undefined ? undefined : bytes.readUInt32LE(entry + 8);
      if (rva !== undefined && rva + 4 <= bytes.length) {
        bytes.writeUInt32LE(pick(HUGE_VALUES), rva);
      }
      return { bytes, mutation };
    }
    case 'move_stream': {
      const entry = directory.length > 0 ? pick(directory) : undefined;
      if (entry !== undefined) {
        bytes.writeUInt32LE(at(bytes.length + 4096), entry + 8);
      }
      return { bytes, mutation };
    }
  }
}

/** Offsets of the stream directory entries (12 bytes each), if readable. */
function streamDirectory(bytes: Buffer): number[] {
  if (bytes.length < 32) {
    return [];
  }
  const count = bytes.readUInt32LE(8);
  const rva = bytes.readUInt32LE(12);
  const entries: number[] = [];
  for (let i = 0; i < Math.min(count, 64); i++) {
    const offset = rva + i * 12;
    if (offset + 12 > bytes.length) {
      break;
    }
    entries.push(offset);
  }
  return entries;
}
