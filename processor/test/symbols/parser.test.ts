import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readModuleRecord, SymbolTable } from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = '0123456789ABCDEF0123456789ABCDEF0';
const linux = {
  os: 'Linux',
  cpu: 'x86_64',
  debugId: ID,
  debugFile: 'libfoo.so',
};

describe('.sym parser: records', () => {
  it('reads MODULE and INFO CODE_ID with and without a code file', () => {
    const t = SymbolTable.parse(
      new SymWriter({
        ...linux,
        debugId: ID.toLowerCase(),
        debugFile: 'my lib.so',
      })
        .infoCodeId('B2A1C3D4E5F6', 'my lib.so')
        .toString(),
    );
    assert.deepEqual(t.module, {
      os: 'Linux',
      cpu: 'x86_64',
      debugId: ID,
      debugFile: 'my lib.so',
    });
    assert.deepEqual(t.codeId, {
      codeId: 'B2A1C3D4E5F6',
      codeFile: 'my lib.so',
    });
    const bare = SymbolTable.parse(
      new SymWriter(linux)
        .infoCodeId('ABCD')
        .raw('INFO URL https://x')
        .toString(),
    );
    assert.deepEqual(bare.codeId, { codeId: 'ABCD', codeFile: undefined });
    assert.equal(bare.stats.malformed, 0);
    assert.equal(bare.stats.ignored, 0);
  });

  it('reads FILE, FUNC with lines, and the m flag', () => {
    const t = SymbolTable.parse(
      new SymWriter(linux)
        .file(7, 'src/with space.c')
        .func({
          address: 0x1000,
          size: 0x40,
          parameterSize: 0x10,
          name: 'ns::fn(int, char const*) const',
          lines: [
            [0x1000, 0x10, 12, 7],
            [0x1010, 0x30, 13, 7],
          ],
        })
        .func({ address: 0x2000, size: 8, name: 'folded', multiple: true })
        .toString(),
    );
    assert.equal(t.fileName(7), 'src/with space.c');
    const hit = t.lookup(0x1015);
    assert.deepEqual(hit?.function, {
      name: 'ns::fn(int, char const*) const',
      address: 0x1000,
      size: 0x40,
      parameterSize: 0x10,
      isMultiple: false,
      kind: 'func',
    });
    assert.equal(hit?.file, 'src/with space.c');
    assert.equal(hit?.line, 13);
    assert.equal(hit?.lineAddress, 0x1010);
    assert.equal(t.lookup(0x2007)?.function.isMultiple, true);
    assert.equal(t.lookup(0x2008), undefined);
    assert.equal(t.stats.functions, 2);
    assert.equal(t.stats.lineRecords, 2);
  });

  it('reads PUBLIC with and without m', () => {
    const t = SymbolTable.parse(
      new SymWriter(linux)
        .public(0x500, 'plain', 4)
        .public(0x600, 'shared name', 0, true)
        .toString(),
    );
    assert.deepEqual(t.lookup(0x510)?.function, {
      name: 'plain',
      address: 0x500,
      size: undefined,
      parameterSize: 4,
      isMultiple: false,
      kind: 'public',
    });
    assert.equal(t.functionAt(0x600)?.name, 'shared name');
    assert.equal(t.functionAt(0x600)?.isMultiple, true);
    assert.equal(t.stats.publics, 2);
  });

  it('reads INLINE_ORIGIN and INLINE records, new and old formats', () => {
    const t = SymbolTable.parse(
      new SymWriter(linux)
        .file(0, 'a.c')
        .file(1, 'b.c')
        .inlineOrigin(3, 'inlined(int) const')
        .func({
          address: 0x100,
          size: 0x100,
          name: 'outer',
          inlines: [
            {
              depth: 0,
              callLine: 9,
              callFile: 1,
              origin: 3,
              ranges: [
                [0x110, 8],
                [0x180, 4],
              ],
            },
          ],
          lines: [[0x100, 0x100, 5, 0]],
        })
        .toString(),
    );
    assert.deepEqual(t.lookup(0x182)?.inlines, [
      {
        name: 'inlined(int) const',
        address: 0x180,
        depth: 0,
        callFile: 'b.c',
        callLine: 9,
        file: 'a.c',
        line: 5,
      },
    ]);
    assert.equal(t.lookup(0x120)?.inlines.length, 0);
    const old = SymbolTable.parse(
      new SymWriter(linux)
        .file(0, 'a.c')
        .inlineOrigin(3, 'inlined()', 0)
        .func({
          address: 0x100,
          size: 0x100,
          name: 'outer',
          inlines: [{ depth: 0, callLine: 9, origin: 3, ranges: [[0x110, 8]] }],
          lines: [[0x100, 0x100, 5, 0]],
        })
        .toString(),
    );
    assert.equal(old.lookup(0x111)?.inlines[0]?.name, 'inlined()');
    assert.equal(old.lookup(0x111)?.inlines[0]?.callFile, 'a.c');
  });

  it('reads STACK CFI INIT, STACK CFI and both STACK WIN types', () => {
    const t = SymbolTable.parse(
      new SymWriter(linux)
        .cfiInit(0x10, 0x20, '.cfa: $rsp 8 + .ra: .cfa -8 + ^')
        .cfi(0x11, '.cfa: $rsp 16 +')
        .stackWin({
          type: 4,
          address: 0x40,
          size: 0x10,
          programString: '$T0 $ebp =',
        })
        .stackWin({
          type: 0,
          address: 0x40,
          size: 0x20,
          allocatesBasePointer: true,
        })
        .toString(),
    );
    assert.equal(t.stats.cfiInit, 1);
    assert.equal(t.stats.cfiDelta, 1);
    assert.equal(t.stats.stackWin, 2);
    assert.equal(t.cfiAt(0x12)?.get('.cfa'), '$rsp 16 +');
    assert.equal(t.winFrameAt(0x41)?.programString, '$T0 $ebp =');
    assert.equal(t.winFrameAt(0x41, 0)?.allocatesBasePointer, true);
  });

  it('reads the MODULE record from the head of a file', () => {
    const head = Buffer.from(
      `\uFEFF\r\n${new SymWriter(linux).toString()}FILE 0`,
    );
    assert.deepEqual(readModuleRecord(head), linux);
    assert.equal(
      readModuleRecord(Buffer.from('FILE 0 a.c\nMODULE a b 00 c\n')),
      undefined,
    );
    assert.equal(
      readModuleRecord(Buffer.from('MODULE Linux x86 nothex f\n')),
      undefined,
    );
    assert.equal(readModuleRecord(Buffer.alloc(0)), undefined);
  });
});
