import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyCfiDelta,
  evaluateCfiRules,
  parseCfiRuleSet,
  SymbolTable,
  type MemoryReader,
} from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = 'ABCDEF0123456789ABCDEF01234567890';
const module = {
  os: 'Linux',
  cpu: 'x86_64',
  debugId: ID,
  debugFile: 'libcfi.so',
};

const table = SymbolTable.parse(
  new SymWriter(module)
    .cfiInit(0x1a90, 0x470, { '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' })
    // Deltas listed out of order; they apply by address.
    .cfi(0x1a9a, { '.cfa': '$rbp 16 +' })
    .cfi(0x1a91, { '.cfa': '$rsp 16 +', $rbp: '.cfa -16 + ^' })
    .cfi(0x1ef0, { '.cfa': '$rsp 8 +' })
    .cfiInit(0x2000, 0x10, '.cfa: $rsp 8 + .ra: .cfa -8 + ^')
    .cfi(0x2008, '$rbx: .cfa -24 + ^')
    .cfi(0x2010, '.cfa: $rsp 99 +') // beyond the INIT's range: never applies
    .cfiInit(0x3000, 0x10, '.cfa $rsp 8 +') // malformed INIT
    .toString(),
);

describe('STACK CFI lookup', () => {
  it('gives the INIT rules at the INIT address', () => {
    assert.deepEqual(
      table.cfiAt(0x1a90),
      new Map([
        ['.cfa', '$rsp 8 +'],
        ['.ra', '.cfa -8 + ^'],
      ]),
    );
  });

  it('applies every delta at or before the offset, and no later one', () => {
    assert.deepEqual(
      table.cfiAt(0x1a91),
      new Map([
        ['.cfa', '$rsp 16 +'],
        ['.ra', '.cfa -8 + ^'],
        ['$rbp', '.cfa -16 + ^'],
      ]),
    );
    assert.equal(table.cfiAt(0x1a99)?.get('.cfa'), '$rsp 16 +');
    assert.equal(table.cfiAt(0x1a9a)?.get('.cfa'), '$rbp 16 +');
    assert.equal(table.cfiAt(0x1a9a)?.get('$rbp'), '.cfa -16 + ^');
    assert.equal(table.cfiAt(0x1eff)?.get('.cfa'), '$rsp 8 +');
    assert.equal(table.cfiAt(0x1eff)?.get('$rbp'), '.cfa -16 + ^');
  });

  it('has nothing outside INIT ranges or for a malformed INIT', () => {
    assert.equal(table.cfiAt(0x1a8f), undefined);
    assert.equal(table.cfiAt(0x1f00), undefined);
    assert.equal(table.cfiAt(0x2010), undefined);
    assert.equal(table.cfiAt(0x3000), undefined);
    assert.equal(table.cfiAt(0x200f)?.get('.cfa'), '$rsp 8 +');
    assert.equal(table.cfiAt(0x200f)?.get('$rbx'), '.cfa -24 + ^');
  });

  it('returns a fresh map each time', () => {
    const a = table.cfiAt(0x1a90) as Map<string, string>;
    a.set('.cfa', 'changed');
    assert.equal(table.cfiAt(0x1a90)?.get('.cfa'), '$rsp 8 +');
  });

  it('drops an INIT range that overlaps an earlier one', () => {
    const t = SymbolTable.parse(
      new SymWriter(module)
        .cfiInit(0x100, 0x20, '.cfa: $rsp 8 + .ra: .cfa -8 + ^')
        .cfiInit(0x110, 0x20, '.cfa: $rsp 99 + .ra: .cfa -8 + ^')
        .toString(),
    );
    assert.equal(t.cfiAt(0x115)?.get('.cfa'), '$rsp 8 +');
    assert.equal(t.cfiAt(0x125), undefined);
    assert.equal(t.stats.overlapsDropped, 1);
  });
});

describe('CFI rule sets', () => {
  it('splits registers and expressions', () => {
    assert.deepEqual(
      parseCfiRuleSet('.cfa: sp 16 + .ra: x30   x29: .cfa -16 + ^'),
      new Map([
        ['.cfa', 'sp 16 +'],
        ['.ra', 'x30'],
        ['x29', '.cfa -16 + ^'],
      ]),
    );
  });

  it('refuses text without a leading register or with an empty rule', () => {
    for (const bad of ['', '$rsp 8 +', '.cfa:', '.cfa: .ra: x30', ':']) {
      assert.equal(parseCfiRuleSet(bad), undefined, bad);
    }
  });

  it('skips a malformed delta as a whole', () => {
    const rules = new Map([['.cfa', '$rsp 8 +']]);
    assert.equal(applyCfiDelta(rules, '.ra: .cfa -8 + ^ $rbp:'), false);
    assert.deepEqual(rules, new Map([['.cfa', '$rsp 8 +']]));
  });
});

describe('evaluateCfiRules: recovering a caller frame', () => {
  const stack: Record<string, bigint> = {
    '0x7fff0018': 0x4011a3n, // return address
    '0x7fff0010': 0x7fff0100n, // saved rbp
  };
  const readMemory: MemoryReader = (address) =>
    stack[`0x${address.toString(16)}`];
  const callee = new Map([
    ['$rsp', 0x7fff0000n],
    ['$rbp', 0x7fff0010n],
    ['$rip', 0x401a95n],
  ]);

  it('computes .cfa first, then .ra and registers that use it', () => {
    const rules = table.cfiAt(0x1a9a);
    assert.ok(rules);
    const out = evaluateCfiRules(rules, callee, {
      addressBits: 64,
      readMemory,
    });
    assert.equal(out?.cfa, 0x7fff0020n);
    assert.equal(out?.ra, 0x4011a3n);
    assert.deepEqual(out && [...out.registers], [['$rbp', 0x7fff0100n]]);
  });

  it('leaves out registers whose rule fails, and fails without .cfa or .ra', () => {
    const rules = new Map([
      ['.cfa', '$rbp 16 +'],
      ['.ra', '.cfa -8 + ^'],
      ['$rbx', '.cfa 64 + ^'],
      ['$r12', '.undef'],
    ]);
    const out = evaluateCfiRules(rules, callee, {
      addressBits: 64,
      readMemory,
    });
    assert.equal(out?.registers.size, 0);
    assert.equal(out?.ra, 0x4011a3n);
    const noRa = new Map([['.cfa', '$rsp 8 +']]);
    assert.equal(
      evaluateCfiRules(noRa, callee, { addressBits: 64, readMemory }),
      undefined,
    );
    const badRa = new Map([
      ['.cfa', '$rsp 8 +'],
      ['.ra', '.cfa 800 + ^'],
    ]);
    assert.equal(
      evaluateCfiRules(badRa, callee, { addressBits: 64, readMemory }),
      undefined,
    );
    const badCfa = new Map([
      ['.cfa', '$nope 8 +'],
      ['.ra', '.cfa -8 + ^'],
    ]);
    assert.equal(
      evaluateCfiRules(badCfa, callee, { addressBits: 64, readMemory }),
      undefined,
    );
  });

  it('works with ARM64-style register names and a register-only .ra rule', () => {
    const out = evaluateCfiRules(
      new Map([
        ['.cfa', 'sp 0 +'],
        ['.ra', 'x30'],
      ]),
      new Map([
        ['sp', 0x1000n],
        ['x30', 0x2000n],
      ]),
      { addressBits: 64 },
    );
    assert.deepEqual(out, { cfa: 0x1000n, ra: 0x2000n, registers: new Map() });
  });
});
