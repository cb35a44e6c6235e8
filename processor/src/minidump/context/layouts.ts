/**
 * Where each register lives in the stored CONTEXT structures, and which
 * context_flags section bit makes it valid.
 */
import type { ContextLayoutId } from './cpu-context.js';
import type { ContextCpu } from './register-sets.js';

/** One register's place in a stored context. */
export interface RegisterSlot {
  readonly name: string;
  readonly offset: number;
  readonly width: 2 | 4 | 8;
  /** context_flags bit that marks the register valid. */
  readonly section: number;
}

/** A fixed stored context layout. */
export interface ContextLayout {
  readonly id: ContextLayoutId;
  readonly cpu: ContextCpu;
  /** Nominal size; larger contexts (XSTATE) keep this prefix layout. */
  readonly size: number;
  readonly flagsOffset: number;
  /** The CPU-type bit that must be set in context_flags. */
  readonly cpuFlag: number;
  readonly slots: readonly RegisterSlot[];
}

// Section bits shared by the Windows-style layouts.
const CONTROL = 0x1;
const INTEGER = 0x2;
const SEGMENTS = 0x4;

function slots(
  width: 2 | 4 | 8,
  section: number,
  entries: readonly (readonly [string, number])[],
): RegisterSlot[] {
  return entries.map(([name, offset]) => ({ name, offset, width, section }));
}

const x86: ContextLayout = {
  id: 'x86',
  cpu: 'x86',
  size: 716,
  flagsOffset: 0,
  cpuFlag: 0x00010000,
  slots: [
    ...slots(4, SEGMENTS, [
      ['gs', 0x8c],
      ['fs', 0x90],
      ['es', 0x94],
      ['ds', 0x98],
    ]),
    ...slots(4, INTEGER, [
      ['edi', 0x9c],
      ['esi', 0xa0],
      ['ebx', 0xa4],
      ['edx', 0xa8],
      ['ecx', 0xac],
      ['eax', 0xb0],
    ]),
    ...slots(4, CONTROL, [
      ['ebp', 0xb4],
      ['eip', 0xb8],
      ['cs', 0xbc],
      ['eflags', 0xc0],
      ['esp', 0xc4],
      ['ss', 0xc8],
    ]),
  ],
};

const amd64GeneralOrder = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi'];

const amd64: ContextLayout = {
  id: 'amd64',
  cpu: 'amd64',
  size: 1232,
  flagsOffset: 0x30,
  cpuFlag: 0x00100000,
  slots: [
    ...slots(2, CONTROL, [
      ['cs', 0x38],
      ['ss', 0x42],
    ]),
    ...slots(2, SEGMENTS, [
      ['ds', 0x3a],
      ['es', 0x3c],
      ['fs', 0x3e],
      ['gs', 0x40],
    ]),
    ...slots(4, CONTROL, [['eflags', 0x44]]),
    // rax..rdi then r8..r15 are consecutive u64s from 0x78; rsp alone is
    // CONTROL, rbp counts as an integer register on amd64.
    ...[...amd64GeneralOrder, 'rdi']
      .concat(Array.from({ length: 8 }, (_, i) => `r${i + 8}`))
      .map((name, i) => ({
        name,
        offset: 0x78 + i * 8,
        width: 8 as const,
        section: name === 'rsp' ? CONTROL : INTEGER,
      })),
    ...slots(8, CONTROL, [['rip', 0xf8]]),
  ],
};

/** x0..x28 at 0x08 + 8n, then fp, lr, sp, pc: same in both ARM64 layouts. */
function arm64Slots(intSection: number, ctlSection: number): RegisterSlot[] {
  const xs = Array.from(
    { length: 29 },
    (_, i) => [`x${i}`, 8 + i * 8] as const,
  );
  return [
    ...slots(8, intSection, xs),
    ...slots(8, ctlSection, [
      ['fp', 0xf0],
      ['lr', 0xf8],
      ['sp', 0x100],
      ['pc', 0x108],
    ]),
  ];
}

const arm64: ContextLayout = {
  id: 'arm64',
  cpu: 'arm64',
  size: 912,
  flagsOffset: 0,
  cpuFlag: 0x00400000,
  slots: [
    ...arm64Slots(INTEGER, CONTROL),
    ...slots(4, CONTROL, [['cpsr', 0x04]]),
  ],
};

// Breakpad's first ARM64 layout: packed, u64 flags, cpsr after the 33
// integer registers; its single INTEGER bit covers sp and pc as well.
const arm64Old: ContextLayout = {
  id: 'arm64-old',
  cpu: 'arm64',
  size: 796,
  flagsOffset: 0,
  cpuFlag: 0x80000000,
  slots: [
    ...arm64Slots(INTEGER, INTEGER),
    ...slots(4, INTEGER, [['cpsr', 0x110]]),
  ],
};

/** Every known layout, in the order tried when guessing from the bytes. */
export const contextLayouts: readonly ContextLayout[] = [
  amd64,
  x86,
  arm64,
  arm64Old,
];

/** Layouts by id. */
export const layoutById: Readonly<Record<ContextLayoutId, ContextLayout>> = {
  x86,
  amd64,
  arm64,
  'arm64-old': arm64Old,
};
