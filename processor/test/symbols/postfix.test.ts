import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluatePostfix,
  evaluateProgram,
  type MemoryReader,
  type PostfixOptions,
} from '../../src/symbols/index.js';

const MASK64 = (1n << 64n) - 1n;

/** Little memory model: 8-byte (or 4-byte) words at fixed addresses. */
function memory(words: Record<string, bigint>): MemoryReader {
  return (address, size) => {
    const v = words[`0x${address.toString(16)}`];
    return v === undefined ? undefined : v & ((1n << BigInt(size * 8)) - 1n);
  };
}

const regs64 = new Map<string, bigint>([
  ['$rsp', 0x7ffe_0000_1000n],
  ['$rbp', 0x7ffe_0000_1040n],
  ['.cfa', 0x7ffe_0000_1050n],
]);
const o64: PostfixOptions = {
  addressBits: 64,
  readMemory: memory({
    '0x7ffe00001048': 0x5555_0000_1234n,
    '0x7ffe00001040': 0x7ffe_0000_2000n,
  }),
};
const o32: PostfixOptions = {
  addressBits: 32,
  readMemory: memory({ '0x12ff70': 0x401234n }),
};

describe('postfix evaluator: expressions', () => {
  it('adds, subtracts and dereferences like CFI rules do', () => {
    assert.equal(evaluatePostfix('$rsp 16 +', regs64, o64), 0x7ffe_0000_1010n);
    assert.equal(
      evaluatePostfix('.cfa -8 + ^', regs64, o64),
      0x5555_0000_1234n,
    );
    assert.equal(
      evaluatePostfix('.cfa 16 - ^', regs64, o64),
      0x7ffe_0000_2000n,
    );
    assert.equal(evaluatePostfix('$rbp', regs64, o64), 0x7ffe_0000_1040n);
  });

  it('does every binary operator, with hex and decimal constants', () => {
    const none = new Map<string, bigint>();
    const cases: Array<[string, bigint]> = [
      ['7 5 +', 12n],
      ['7 5 -', 2n],
      ['7 5 *', 35n],
      ['17 5 /', 3n],
      ['17 5 %', 2n],
      ['0x1237 16 @', 0x1230n],
      ['0x1237 0x100 @', 0x1200n],
      ['0x10 0X10 +', 0x20n],
      ['-0x10 0x20 +', 0x10n],
      ['3 4 5 * +', 23n],
      ['  3\t4   + ', 7n],
    ];
    for (const [expr, want] of cases) {
      assert.equal(evaluatePostfix(expr, none, o64), want, expr);
    }
  });

  it('wraps to 64 bits and to 32 bits', () => {
    const none = new Map<string, bigint>();
    assert.equal(evaluatePostfix('0 1 -', none, o64), MASK64);
    assert.equal(evaluatePostfix('0xffffffffffffffff 2 +', none, o64), 1n);
    assert.equal(evaluatePostfix('0 1 -', none, o32), 0xffff_ffffn);
    assert.equal(evaluatePostfix('0xfffffff0 0x20 +', none, o32), 0x10n);
    assert.equal(evaluatePostfix('0x80000000 2 *', none, o32), 0n);
    assert.equal(evaluatePostfix('-4', none, o32), 0xffff_fffcn);
    // Register values are wrapped to the width too.
    const wide = new Map([['$esp', 0x1_0000_0010n]]);
    assert.equal(evaluatePostfix('$esp 4 +', wide, o32), 0x14n);
    // Divisions are unsigned.
    assert.equal(evaluatePostfix('-8 2 /', none, o32), 0x7fff_fffcn);
  });

  it('reads 4-byte words in 32-bit mode', () => {
    let asked = 0;
    const read: MemoryReader = (address, size) => {
      asked = size;
      return address === 0x12ff70n ? 0x401234n : undefined;
    };
    const v = evaluatePostfix('$ebp 4 + ^', new Map([['$ebp', 0x12ff6cn]]), {
      addressBits: 32,
      readMemory: read,
    });
    assert.equal(v, 0x401234n);
    assert.equal(asked, 4);
  });

  it('fails on unreadable memory, unknown names, .undef and no reader', () => {
    assert.equal(evaluatePostfix('.cfa 8 + ^', regs64, o64), undefined);
    assert.equal(evaluatePostfix('$r12 8 +', regs64, o64), undefined);
    assert.equal(evaluatePostfix('.undef', regs64, o64), undefined);
    assert.equal(
      evaluatePostfix('.cfa -8 + ^', regs64, { addressBits: 64 }),
      undefined,
    );
  });

  it('fails on division or modulo by zero and align by zero', () => {
    const none = new Map<string, bigint>();
    assert.equal(evaluatePostfix('1 0 /', none, o64), undefined);
    assert.equal(evaluatePostfix('1 0 %', none, o64), undefined);
    assert.equal(evaluatePostfix('1 0 @', none, o64), undefined);
  });

  it('fails on malformed expressions', () => {
    const none = new Map<string, bigint>();
    for (const expr of ['', '+', '1 +', '1 2', '^', '1 2 + 3', '$x 1 =']) {
      assert.equal(
        evaluatePostfix(expr, none, o64),
        undefined,
        JSON.stringify(expr),
      );
    }
  });

  it('accepts a function as the value source', () => {
    const seen: string[] = [];
    const v = evaluatePostfix(
      'sp 16 + x29 +',
      (name) => {
        seen.push(name);
        return name === 'sp' ? 0x100n : name === 'x29' ? 0x10n : undefined;
      },
      o64,
    );
    assert.equal(v, 0x120n);
    assert.deepEqual(seen.sort(), ['sp', 'x29']);
  });
});

describe('postfix evaluator: STACK WIN programs', () => {
  const program =
    '$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + = ' +
    '$L $T0 .cbSavedRegs - = $P $T0 8 + .cbParams + =';
  const start = new Map<string, bigint>([
    ['$ebp', 0x12ff6cn],
    ['$esp', 0x12ff00n],
    ['.cbSavedRegs', 4n],
    ['.cbParams', 8n],
  ]);
  const mem: PostfixOptions = {
    addressBits: 32,
    readMemory: memory({ '0x12ff70': 0x401234n, '0x12ff6c': 0x12ffc0n }),
  };

  it('runs assignments in order, later ones reading earlier ones', () => {
    const out = evaluateProgram(program, start, mem);
    assert.deepEqual(out && [...out], [
      ['$T0', 0x12ff6cn],
      ['$eip', 0x401234n],
      ['$ebp', 0x12ffc0n],
      ['$esp', 0x12ff74n],
      ['$L', 0x12ff68n],
      ['$P', 0x12ff7cn],
    ]);
    assert.equal(start.get('$ebp'), 0x12ff6cn, 'inputs are not modified');
  });

  it('reads values the walker provides, such as .raSearchStart', () => {
    const out = evaluateProgram(
      '$T2 $esp .cbLocals + .cbSavedRegs + = $T0 .raSearchStart = $eip $T0 ^ = $esp $T0 4 + =',
      new Map([
        ['$esp', 0x12ff00n],
        ['.cbLocals', 0x10n],
        ['.cbSavedRegs', 4n],
        ['.raSearchStart', 0x12ff70n],
      ]),
      mem,
    );
    assert.equal(out?.get('$T2'), 0x12ff14n);
    assert.equal(out?.get('$eip'), 0x401234n);
    assert.equal(out?.get('$esp'), 0x12ff74n);
  });

  it('fails when a dereference fails or a name is unknown', () => {
    assert.equal(
      evaluateProgram(program, start, {
        addressBits: 32,
        readMemory: () => undefined,
      }),
      undefined,
    );
    assert.equal(evaluateProgram('$eip $T9 =', start, mem), undefined);
  });

  it('fails on bad assignments and leftovers', () => {
    for (const bad of [
      '5 6 =',
      '.cfa 6 =',
      '$x =',
      '=',
      '$x 1 = 2',
      '$x 1 2 =',
    ]) {
      assert.equal(evaluateProgram(bad, start, mem), undefined, bad);
    }
    assert.deepEqual(evaluateProgram('', start, mem), new Map());
  });

  it('wraps assigned values to the address width', () => {
    const out = evaluateProgram('$T0 $esp 8 - =', new Map([['$esp', 4n]]), mem);
    assert.equal(out?.get('$T0'), 0xffff_fffcn);
  });
});
