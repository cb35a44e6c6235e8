/**
 * Parsing of the STACK records of a symbol file: `STACK CFI INIT`,
 * `STACK CFI` and `STACK WIN`.
 */
import type { LineCursor } from './line-cursor.js';
import type { SymBuilder } from './sym-builder.js';

/** `STACK CFI INIT …`, `STACK CFI …`, `STACK WIN …`. */
export function stackRecord(c: LineCursor, b: SymBuilder): boolean {
  if (c.keyword('CFI')) {
    if (c.keyword('INIT')) {
      const address = c.hex();
      const size = c.hex();
      const rules = c.rest();
      if (Number.isNaN(address + size) || rules === undefined) {
        return false;
      }
      b.addCfiInit(address, size, rules);
      return true;
    }
    const address = c.hex();
    const rules = c.rest();
    if (Number.isNaN(address) || rules === undefined) {
      return false;
    }
    return b.addCfiDelta(address, rules);
  }
  if (c.keyword('WIN')) {
    return stackWinRecord(c, b);
  }
  b.counters.ignored++;
  return true;
}

/**
 * `STACK WIN <type> <rva> <code size> <prolog> <epilog> <params>
 * <saved regs> <locals> <max stack> <has program> <program | allocates bp>`.
 * Only types 4 (FrameData) and 0 (FPO) are used; a record whose
 * has-program flag contradicts its type is discarded, as rust-minidump does.
 */
function stackWinRecord(c: LineCursor, b: SymBuilder): boolean {
  const type = c.hex();
  const address = c.hex();
  const size = c.hex();
  const prolog = c.hex();
  const epilog = c.hex();
  const params = c.hex();
  const saved = c.hex();
  const locals = c.hex();
  const maxStack = c.hex();
  const hasProgram = c.dec();
  const rest = c.rest();
  const sum = type + address + size + prolog + epilog + params + saved + locals;
  if (Number.isNaN(sum + maxStack + hasProgram)) {
    return false;
  }
  if (type !== 0 && type !== 4) {
    b.counters.ignored++;
    return true;
  }
  if ((type === 4) !== (hasProgram === 1) || (type === 4 && !rest)) {
    return false;
  }
  b.addStackWin({
    type,
    address,
    size,
    prologSize: prolog,
    epilogSize: epilog,
    parameterSize: params,
    savedRegisterSize: saved,
    localSize: locals,
    maxStackSize: maxStack,
    programString: type === 4 ? rest : undefined,
    allocatesBasePointer: type === 0 && rest === '1',
  });
  return true;
}
