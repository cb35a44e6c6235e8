/**
 * Decoding a stored CPU context. The layout is chosen from the SystemInfo
 * processor architecture and confirmed by the CPU bit of context_flags;
 * when the two disagree (or there is no SystemInfo) the flags and size
 * alone pick the layout.
 */
import type { ByteReader } from '../byte-reader.js';
import { MinidumpError } from '../errors.js';
import { CpuContext } from './cpu-context.js';
import { contextLayouts, layoutById, type ContextLayout } from './layouts.js';

// LIMITATION: only x86, amd64 and arm64 (both layouts) contexts are
// decoded; threads of 32-bit ARM, PPC, MIPS, SPARC and RISC-V dumps get no
// context (a bad_context soft error). XSTATE data after the fixed layout
// (AVX registers, CET shadow stack) is kept raw, not decoded.

/** Low byte of context_flags: the per-section validity bits. */
const SECTION_BITS = 0xff;

function layoutsForArch(arch: number | undefined): ContextLayout[] {
  switch (arch) {
    case 0:
    case 10:
      return [layoutById.x86];
    case 9:
      return [layoutById.amd64];
    case 12:
      return [layoutById.arm64, layoutById['arm64-old']];
    case 0x8003:
      return [layoutById['arm64-old'], layoutById.arm64];
    default:
      return [];
  }
}

function fits(r: ByteReader, layout: ContextLayout): boolean {
  return (
    r.length >= layout.size &&
    (r.u32(layout.flagsOffset) & layout.cpuFlag) !== 0
  );
}

/**
 * Decodes the context in `r` (exactly the bytes of its location).
 * Contexts longer than the nominal layout (XSTATE) are read by their
 * prefix. Throws a `bad_context` {@link MinidumpError} when no layout fits.
 */
export function readContext(
  r: ByteReader,
  processorArchitecture: number | undefined,
): CpuContext {
  const layout =
    layoutsForArch(processorArchitecture).find((l) => fits(r, l)) ??
    contextLayouts.find((l) => fits(r, l));
  if (layout === undefined) {
    const flags = r.has(0, 4) ? `0x${r.u32(0).toString(16)}` : 'none';
    const arch = processorArchitecture ?? 'unknown';
    throw new MinidumpError(
      'bad_context',
      `no known CPU context layout matches ${r.length} bytes ` +
        `(flags at 0: ${flags}, architecture ${arch})`,
    );
  }
  return decode(r, layout);
}

function decode(r: ByteReader, layout: ContextLayout): CpuContext {
  const flags = r.u32(layout.flagsOffset);
  const ctx = CpuContext.fromDump(
    layout.cpu,
    layout.id,
    flags,
    r.bytes(0, r.length),
  );
  // Some writers (rust minidump-writer on macOS) store only the CPU bit;
  // like other processors, treat such a context as fully valid.
  const sections = flags & SECTION_BITS || SECTION_BITS;
  for (const slot of layout.slots) {
    if ((sections & slot.section) === 0) {
      continue;
    }
    const value =
      slot.width === 8
        ? r.u64(slot.offset)
        : BigInt(slot.width === 4 ? r.u32(slot.offset) : r.u16(slot.offset));
    ctx.set(slot.name, value);
  }
  return ctx;
}
