import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SymbolTable } from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = 'FEDCBA9876543210FEDCBA98765432101';
const mac = { os: 'mac', cpu: 'arm64', debugId: ID, debugFile: 'App' };

function sample(): SymWriter {
  return new SymWriter(mac)
    .file(0, 'main.swift')
    .func({
      address: 0x100,
      size: 0x10,
      name: 'main',
      lines: [[0x100, 0x10, 3, 0]],
    })
    .public(0x200, 'pub')
    .cfiInit(0x100, 0x10, { '.cfa': 'sp 16 +', '.ra': 'x30' });
}

describe('.sym parser: robustness', () => {
  it('gives the same table for LF and CRLF (and stray CRs) line ends', () => {
    const lf = SymbolTable.parse(sample().toString());
    const crlf = SymbolTable.parse(sample().toString({ crlf: true }));
    const crcrlf = SymbolTable.parse(
      sample().toString().replace(/\n/g, '\r\r\n'),
    );
    for (const t of [crlf, crcrlf]) {
      assert.deepEqual(t.module, lf.module);
      assert.deepEqual(t.lookup(0x105), lf.lookup(0x105));
      assert.deepEqual(t.cfiAt(0x105), lf.cfiAt(0x105));
      assert.equal(t.stats.malformed, 0);
    }
    assert.equal(crlf.lookup(0x105)?.file, 'main.swift');
    assert.equal(crlf.module?.debugFile, 'App');
  });

  it('skips blank lines, a BOM, and counts unknown records as ignored', () => {
    const text =
      '\uFEFF' +
      sample()
        .raw('')
        .raw('   ')
        .raw('FROBNICATE 1 2 3')
        .raw('STACK WHATEVER 1')
        .raw('INFO GENERATOR dump_syms 2.0')
        .toString();
    const t = SymbolTable.parse(text);
    assert.equal(t.module?.os, 'mac');
    assert.equal(t.stats.ignored, 2);
    assert.equal(t.stats.malformed, 0);
    assert.equal(t.lookup(0x100)?.function.name, 'main');
  });

  it('counts and skips malformed lines of known records', () => {
    const t = SymbolTable.parse(
      sample()
        .raw('FILE x bad.c')
        .raw('FILE 3')
        .raw('FUNC zz 10 0 broken')
        .raw('110 4 9 0') // belongs to the broken FUNC: dropped with it
        .raw('PUBLIC 300')
        .raw('INLINE 0 1 2')
        .raw('INLINE_ORIGIN x name')
        .raw('STACK CFI INIT 10')
        .raw('STACK WIN 4 10 10 0 0 0 0 0 0 0 0') // type 4 must have a program
        .raw('STACK WIN 0 10 10 0 0 0 0 0 0 1 prog') // type 0 must not
        .raw('STACK WIN 4 10 10')
        .raw('1000 10 nope 0')
        .raw('MODULE Linux')
        .toString(),
    );
    assert.equal(t.stats.malformed, 12);
    assert.equal(t.stats.stackWin, 0);
    assert.equal(t.lookup(0x110), undefined);
    assert.equal(t.lookup(0x105)?.function.name, 'main');
    assert.equal(t.module?.os, 'mac');
  });

  it('rejects line records and STACK CFI deltas that come before their parents', () => {
    const t = SymbolTable.parse(
      new SymWriter(mac)
        .raw('100 10 3 0')
        .raw('INLINE 0 1 0 0 100 4')
        .cfi(0x100, '.cfa: sp 16 +')
        .toString(),
    );
    assert.equal(t.stats.malformed, 3);
  });

  it('survives a file cut off in the middle of a line', () => {
    const full = sample().raw('FUNC 400 20 0 last function').toString();
    for (let cut = 1; cut < full.length; cut += 7) {
      const t = SymbolTable.parse(full.slice(0, cut));
      assert.ok(t.stats.lines >= 1);
    }
    const t = SymbolTable.parse(
      full.slice(0, full.indexOf('STACK CFI INIT') + 20),
    );
    assert.equal(t.cfiAt(0x100), undefined);
    assert.equal(t.lookup(0x100)?.function.name, 'main');
  });

  it('takes binary garbage without throwing', () => {
    const junk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < junk.length; i++) {
      junk[i] = (i * 7919 + 13) % 256;
    }
    const t = SymbolTable.parse(junk);
    assert.equal(t.module, undefined);
    assert.equal(t.stats.functions + t.stats.publics, 0);
  });

  it('refuses offsets beyond 2^53 as malformed, keeps large safe ones', () => {
    const t = SymbolTable.parse(
      new SymWriter(mac)
        .raw('PUBLIC ffffffff81000000 0 kernel_text')
        .raw('PUBLIC 0000000000001000 0 padded')
        .raw('PUBLIC fffffffff000 0 high')
        .toString(),
    );
    assert.equal(t.stats.malformed, 1);
    assert.equal(t.functionAt(0x1001)?.name, 'padded');
    assert.equal(t.functionAt(0xfffffffff001)?.name, 'high');
  });

  it('accepts uppercase hex, tabs and negative line numbers', () => {
    const t = SymbolTable.parse(
      new SymWriter(mac)
        .file(0, 'x.c')
        .raw('FUNC\tA0\t10\t0\tupper')
        .raw('A0 8 -1 0')
        .raw('A8\t8\t4\t0')
        .toString(),
    );
    assert.equal(t.stats.malformed, 0);
    assert.equal(t.lookup(0xa1)?.line, 0);
    assert.equal(t.lookup(0xa9)?.line, 4);
    assert.equal(t.lookup(0xa9)?.function.name, 'upper');
  });

  it('parses the same from a string, a Buffer and a Uint8Array view', () => {
    const text = sample().toString();
    const bytes = Buffer.from(`xxxx${text}`);
    const view = new Uint8Array(
      bytes.buffer,
      bytes.byteOffset + 4,
      bytes.length - 4,
    );
    const a = SymbolTable.parse(text);
    const b = SymbolTable.parse(Buffer.from(text));
    const c = SymbolTable.parse(view);
    assert.deepEqual(b.stats, a.stats);
    assert.deepEqual(c.stats, a.stats);
    assert.deepEqual(c.lookup(0x100), a.lookup(0x100));
    assert.equal(a.sourceBytes, Buffer.byteLength(text));
  });
});
