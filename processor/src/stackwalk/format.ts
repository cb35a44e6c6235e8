/**
 * Number and register formatting shared by the JSON and human outputs.
 */
import type { ContextCpu, CpuContext } from '../minidump/index.js';

/** `0x` + hex zero-padded to the pointer width (8 or 16 digits). */
export function hexAddress(value: bigint, width: 4 | 8): string {
  return `0x${value.toString(16).padStart(width * 2, '0')}`;
}

/** `0x` + hex without padding, like Rust's `{:#x}`. */
export function hexShort(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** The general-purpose registers each CPU reports, in display order. */
export const GENERAL_REGISTERS: Readonly<
  Record<ContextCpu, readonly string[]>
> = {
  x86: [
    ...['eip', 'esp', 'ebp', 'ebx', 'esi', 'edi', 'eax', 'ecx', 'edx'],
    'eflags',
  ],
  amd64: [
    ...['rax', 'rdx', 'rcx', 'rbx', 'rsi', 'rdi', 'rbp', 'rsp'],
    ...Array.from({ length: 8 }, (_, i) => `r${i + 8}`),
    'rip',
  ],
  arm64: [
    ...Array.from({ length: 29 }, (_, i) => `x${i}`),
    ...['fp', 'lr', 'sp', 'pc'],
  ],
};

/** Valid general-purpose registers of a context, formatted, in order. */
export function formattedRegisters(context: CpuContext): [string, string][] {
  const out: [string, string][] = [];
  for (const name of GENERAL_REGISTERS[context.cpu]) {
    const value = context.get(name);
    if (value !== undefined) {
      out.push([name, hexAddress(value, context.pointerWidth)]);
    }
  }
  return out;
}
