/**
 * The registers each supported CPU exposes, by name, with their widths and
 * which of them are the instruction, stack and frame pointers.
 */

/** CPUs whose contexts the reader can decode. */
export type ContextCpu = 'x86' | 'amd64' | 'arm64';

/** Static description of one CPU's register file. */
export interface RegisterSet {
  readonly cpu: ContextCpu;
  /** Canonical names in display order. */
  readonly names: readonly string[];
  /** Width in bytes of each register, indexed like `names`. */
  readonly widths: readonly number[];
  /** Name, alias or `$`-prefixed name to index into `names`. */
  readonly index: ReadonlyMap<string, number>;
  readonly pointerWidth: 4 | 8;
  readonly ip: number;
  readonly sp: number;
  readonly fp: number;
}

function makeSet(
  cpu: ContextCpu,
  regs: readonly (readonly [string, number])[],
  roles: { ip: string; sp: string; fp: string },
  aliases: Readonly<Record<string, string>> = {},
): RegisterSet {
  const names = regs.map(([n]) => n);
  const index = new Map(names.map((n, i) => [n, i]));
  for (const [alias, target] of Object.entries(aliases)) {
    const i = index.get(target);
    if (i !== undefined) {
      index.set(alias, i);
    }
  }
  // Breakpad CFI and STACK WIN programs write registers as `$rsp`, `$eip`.
  for (const [name, i] of [...index]) {
    index.set(`$${name}`, i);
  }
  const at = (n: string): number => index.get(n) ?? -1;
  return {
    cpu,
    names,
    widths: regs.map(([, w]) => w),
    index,
    pointerWidth: cpu === 'x86' ? 4 : 8,
    ip: at(roles.ip),
    sp: at(roles.sp),
    fp: at(roles.fp),
  };
}

const x86Regs = [
  ...['eip', 'esp', 'ebp', 'ebx', 'esi', 'edi', 'eax', 'ecx', 'edx'],
  ...['eflags', 'cs', 'ds', 'es', 'fs', 'gs', 'ss'],
].map((n) => [n, 4] as const);

const amd64Regs = [
  ...['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp'].map(
    (n) => [n, 8] as const,
  ),
  ...Array.from({ length: 8 }, (_, i) => [`r${i + 8}`, 8] as const),
  ['rip', 8] as const,
  ['eflags', 4] as const,
  ...['cs', 'ds', 'es', 'fs', 'gs', 'ss'].map((n) => [n, 2] as const),
];

const arm64Regs = [
  ...Array.from({ length: 29 }, (_, i) => [`x${i}`, 8] as const),
  ...['fp', 'lr', 'sp', 'pc'].map((n) => [n, 8] as const),
  ['cpsr', 4] as const,
];

/** Register files by CPU. */
export const registerSets: Readonly<Record<ContextCpu, RegisterSet>> = {
  x86: makeSet('x86', x86Regs, { ip: 'eip', sp: 'esp', fp: 'ebp' }),
  amd64: makeSet('amd64', amd64Regs, { ip: 'rip', sp: 'rsp', fp: 'rbp' }),
  // CFI programs name the frame and link registers x29 and x30.
  arm64: makeSet(
    'arm64',
    arm64Regs,
    { ip: 'pc', sp: 'sp', fp: 'fp' },
    { x29: 'fp', x30: 'lr' },
  ),
};
