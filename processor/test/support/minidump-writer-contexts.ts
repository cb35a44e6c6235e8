/**
 * Encodes CPU contexts for synthetic minidumps. The offsets are written
 * out here independently of the reader's tables (from the format notes),
 * so tests built on them check the reader rather than echo it.
 */

/** Context layouts the writer can produce. */
export type WriterCpu = 'x86' | 'amd64' | 'arm64' | 'arm64-old';

/** A context to encode. */
export interface ContextSpec {
  /** Register values by name (x86 `eip`..., amd64 `rip`..., arm64 `pc`, `x0`...). */
  readonly registers: Readonly<Record<string, bigint>>;
  /** context_flags; defaults to the CPU bit plus every common section. */
  readonly flags?: number;
  /** Total size; larger than nominal appends zero bytes (like XSTATE data). */
  readonly size?: number;
}

interface Slot {
  readonly offset: number;
  readonly width: 2 | 4 | 8;
}

interface WriterLayout {
  readonly size: number;
  readonly flagsOffset: number;
  readonly flagsWidth: 4 | 8;
  readonly defaultFlags: number;
  readonly slots: ReadonlyMap<string, Slot>;
}

function slotMap(
  width: 2 | 4 | 8,
  entries: Record<string, number>,
  extra: [string, Slot][] = [],
): Map<string, Slot> {
  const m = new Map<string, Slot>(extra);
  for (const [name, offset] of Object.entries(entries)) {
    m.set(name, { offset, width });
  }
  return m;
}

const x86Slots = slotMap(4, {
  gs: 0x8c,
  fs: 0x90,
  es: 0x94,
  ds: 0x98,
  edi: 0x9c,
  esi: 0xa0,
  ebx: 0xa4,
  edx: 0xa8,
  ecx: 0xac,
  eax: 0xb0,
  ebp: 0xb4,
  eip: 0xb8,
  cs: 0xbc,
  eflags: 0xc0,
  esp: 0xc4,
  ss: 0xc8,
});

const amd64Slots = slotMap(
  8,
  {
    rax: 0x78,
    rcx: 0x80,
    rdx: 0x88,
    rbx: 0x90,
    rsp: 0x98,
    rbp: 0xa0,
    rsi: 0xa8,
    rdi: 0xb0,
    r8: 0xb8,
    r9: 0xc0,
    r10: 0xc8,
    r11: 0xd0,
    r12: 0xd8,
    r13: 0xe0,
    r14: 0xe8,
    r15: 0xf0,
    rip: 0xf8,
  },
  [
    ['cs', { offset: 0x38, width: 2 }],
    ['ds', { offset: 0x3a, width: 2 }],
    ['es', { offset: 0x3c, width: 2 }],
    ['fs', { offset: 0x3e, width: 2 }],
    ['gs', { offset: 0x40, width: 2 }],
    ['ss', { offset: 0x42, width: 2 }],
    ['eflags', { offset: 0x44, width: 4 }],
  ],
);

function arm64Slots(cpsrOffset: number): Map<string, Slot> {
  const xs: Record<string, number> = {};
  for (let i = 0; i <= 30; i++) {
    xs[`x${i}`] = 8 + i * 8;
  }
  const m = slotMap(8, { ...xs, fp: 0xf0, lr: 0xf8, sp: 0x100, pc: 0x108 });
  m.set('cpsr', { offset: cpsrOffset, width: 4 });
  return m;
}

const layouts: Readonly<Record<WriterCpu, WriterLayout>> = {
  x86: {
    size: 716,
    flagsOffset: 0,
    flagsWidth: 4,
    defaultFlags: 0x1003f,
    slots: x86Slots,
  },
  amd64: {
    size: 1232,
    flagsOffset: 0x30,
    flagsWidth: 4,
    defaultFlags: 0x10001f,
    slots: amd64Slots,
  },
  arm64: {
    size: 912,
    flagsOffset: 0,
    flagsWidth: 4,
    defaultFlags: 0x400007,
    slots: arm64Slots(0x4),
  },
  'arm64-old': {
    size: 796,
    flagsOffset: 0,
    flagsWidth: 8,
    defaultFlags: 0x80000006,
    slots: arm64Slots(0x110),
  },
};

/** Nominal context size of a layout. */
export function contextSize(cpu: WriterCpu): number {
  return layouts[cpu].size;
}

/** Encodes a context; unknown register names throw. */
export function encodeContext(cpu: WriterCpu, spec: ContextSpec): Buffer {
  const layout = layouts[cpu];
  const buf = Buffer.alloc(Math.max(spec.size ?? layout.size, layout.size));
  const flags = spec.flags ?? layout.defaultFlags;
  if (layout.flagsWidth === 8) {
    buf.writeBigUInt64LE(BigInt(flags >>> 0), layout.flagsOffset);
  } else {
    buf.writeUInt32LE(flags >>> 0, layout.flagsOffset);
  }
  for (const [name, value] of Object.entries(spec.registers)) {
    const slot = layout.slots.get(name);
    if (slot === undefined) {
      throw new Error(`no register ${name} in the ${cpu} context`);
    }
    if (slot.width === 8) {
      buf.writeBigUInt64LE(BigInt.asUintN(64, value), slot.offset);
    } else if (slot.width === 4) {
      buf.writeUInt32LE(Number(BigInt.asUintN(32, value)), slot.offset);
    } else {
      buf.writeUInt16LE(Number(BigInt.asUintN(16, value)), slot.offset);
    }
  }
  return buf;
}
