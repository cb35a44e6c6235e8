import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SymbolTable } from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = '00112233445566778899AABBCCDDEEFF0';
const module = { os: 'Linux', cpu: 'x86_64', debugId: ID, debugFile: 'app' };

/**
 * outer() [0x1000, 0x1100) in outer.c, with:
 *   depth 0: a() called at outer.c:10, ranges [0x1010,+0x40) and [0x1080,+0x10)
 *   depth 1: b() called at a.h:20 over [0x1020,+0x20)
 *   depth 2: c() called at b.h:30 over [0x1028,+0x8)
 * INLINE records listed out of tree order, as rustc's output does.
 */
function nested(): SymbolTable {
  return SymbolTable.parse(
    new SymWriter(module)
      .file(0, 'outer.c')
      .file(1, 'a.h')
      .file(2, 'b.h')
      .file(3, 'c.h')
      .inlineOrigin(0, 'a()')
      .inlineOrigin(1, 'b()')
      .inlineOrigin(2, 'c()')
      .func({
        address: 0x1000,
        size: 0x100,
        name: 'outer()',
        inlines: [
          {
            depth: 0,
            callLine: 10,
            callFile: 0,
            origin: 0,
            ranges: [
              [0x1010, 0x40],
              [0x1080, 0x10],
            ],
          },
          {
            depth: 2,
            callLine: 30,
            callFile: 2,
            origin: 2,
            ranges: [[0x1028, 0x8]],
          },
          {
            depth: 1,
            callLine: 20,
            callFile: 1,
            origin: 1,
            ranges: [[0x1020, 0x20]],
          },
          {
            depth: 1,
            callLine: 21,
            callFile: 1,
            origin: 9,
            ranges: [[0x1084, 0x4]],
          },
        ],
        lines: [
          [0x1000, 0x10, 1, 0],
          [0x1010, 0x10, 2, 1],
          [0x1020, 0x8, 3, 2],
          [0x1028, 0x8, 4, 3],
          [0x1030, 0xd0, 5, 0],
        ],
      })
      .toString(),
  );
}

describe('SymbolTable.lookup: inline chains', () => {
  const t = nested();

  it('reports three levels outermost first, each located at the next call site', () => {
    const hit = t.lookup(0x102a);
    assert.equal(hit?.function.name, 'outer()');
    assert.equal(hit?.file, 'outer.c');
    assert.equal(hit?.line, 10);
    assert.equal(hit?.lineAddress, 0x1028);
    assert.deepEqual(hit?.inlines, [
      {
        name: 'a()',
        address: 0x1010,
        depth: 0,
        callFile: 'outer.c',
        callLine: 10,
        file: 'a.h',
        line: 20,
      },
      {
        name: 'b()',
        address: 0x1020,
        depth: 1,
        callFile: 'a.h',
        callLine: 20,
        file: 'b.h',
        line: 30,
      },
      {
        name: 'c()',
        address: 0x1028,
        depth: 2,
        callFile: 'b.h',
        callLine: 30,
        file: 'c.h',
        line: 4,
      },
    ]);
  });

  it('stops at the deepest level covering the offset', () => {
    const hit = t.lookup(0x1022);
    assert.deepEqual(
      hit?.inlines.map((f) => [f.name, f.file, f.line]),
      [
        ['a()', 'a.h', 20],
        ['b()', 'b.h', 3],
      ],
    );
    assert.deepEqual(
      t.lookup(0x1012)?.inlines.map((f) => [f.name, f.line]),
      [['a()', 2]],
    );
  });

  it('uses the second range of a discontiguous inline and names unknown origins', () => {
    const hit = t.lookup(0x1085);
    assert.deepEqual(
      hit?.inlines.map((f) => [f.name, f.address, f.callLine]),
      [
        ['a()', 0x1080, 10],
        ['<name omitted>', 0x1084, 21],
      ],
    );
    assert.equal(hit?.line, 10);
  });

  it('has no inlines outside every INLINE range', () => {
    const hit = t.lookup(0x1005);
    assert.deepEqual(hit?.inlines, []);
    assert.equal(hit?.line, 1);
    assert.equal(t.lookup(0x10f0)?.line, 5);
  });
});

describe('SymbolTable.lookup: FUNC ranges and PUBLIC fallback', () => {
  const t = SymbolTable.parse(
    new SymWriter(module)
      .public(0x100, 'pub_before_funcs', 8)
      .func({ address: 0x200, size: 0x10, name: 'f1' })
      .public(0x200, 'pub_at_f1')
      .public(0x300, 'pub_after_f1')
      .func({ address: 0x400, size: 0x10, name: 'f2' })
      .public(0x480, 'pub_last')
      .public(0x480, 'pub_duplicate')
      .func({ address: 0x208, size: 0x20, name: 'overlaps_f1' })
      .func({ address: 0x200, size: 0x10, name: 'same_as_f1' })
      .toString(),
  );

  it('finds a FUNC over its whole range and not past its end', () => {
    assert.equal(t.lookup(0x200)?.function.name, 'f1');
    assert.equal(t.lookup(0x20f)?.function.name, 'f1');
    assert.equal(t.lookup(0x20f)?.file, undefined);
    assert.equal(t.stats.overlapsDropped, 2);
  });

  it('falls back to the nearest PUBLIC when no FUNC starts in between', () => {
    assert.equal(t.lookup(0x100)?.function.name, 'pub_before_funcs');
    assert.equal(t.lookup(0x1ff)?.function.parameterSize, 8);
    assert.equal(t.lookup(0x300)?.function.name, 'pub_after_f1');
    assert.equal(t.lookup(0x3ff)?.function.kind, 'public');
    assert.equal(t.lookup(0xffff_ffff)?.function.name, 'pub_last');
  });

  it('refuses a PUBLIC cut off by a FUNC starting at or after it', () => {
    // 0x210 is past f1; the nearest PUBLIC (0x200) is not after f1's start.
    assert.equal(t.lookup(0x210), undefined);
    assert.equal(t.lookup(0x2ff), undefined);
    // After f2 (0x400), the nearest PUBLIC 0x300 comes before f2.
    assert.equal(t.lookup(0x410), undefined);
    assert.equal(t.lookup(0x47f), undefined);
  });

  it('has nothing before the first symbol; keeps the first PUBLIC at an address', () => {
    assert.equal(t.lookup(0xff), undefined);
    assert.equal(t.lookup(0), undefined);
    assert.equal(t.lookup(0x480)?.function.name, 'pub_last');
    assert.deepEqual(t.functionAt(0x481), t.lookup(0x481)?.function);
  });

  it('ignores PUBLIC at address 0 as Breakpad does', () => {
    const z = SymbolTable.parse(
      new SymWriter(module).public(0, '_mh_execute_header').toString(),
    );
    assert.equal(z.lookup(0x10), undefined);
    assert.equal(z.stats.malformed, 0);
  });
});

describe('SymbolTable.lookup: line records', () => {
  it('sorts out-of-order lines, skips zero-size ones and leaves gaps unknown', () => {
    const t = SymbolTable.parse(
      new SymWriter(module)
        .file(0, 'x.c')
        .func({
          address: 0x10,
          size: 0x30,
          name: 'f',
          lines: [
            [0x30, 0x10, 3, 0],
            [0x10, 0x8, 1, 0],
            [0x18, 0, 99, 0],
            [0x20, 0x8, 2, 7],
          ],
        })
        .toString(),
    );
    assert.equal(t.lookup(0x35)?.line, 3);
    assert.equal(t.lookup(0x17)?.line, 1);
    assert.equal(t.lookup(0x18)?.line, undefined);
    assert.equal(t.lookup(0x18)?.lineAddress, undefined);
    assert.equal(t.lookup(0x21)?.line, 2);
    assert.equal(t.lookup(0x21)?.file, undefined, 'unknown FILE id');
    assert.equal(t.stats.lineRecords, 3);
  });
});
