/**
 * The real symbol files of the shared minidump corpus, checked against the
 * facts its README states and the outputs Breakpad and rust-minidump
 * produced for test.dmp. The corpus is not part of the repository; where it
 * is absent these tests skip and say so.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
  SymbolTable,
} from '../../src/symbols/index.js';

const corpus =
  process.env.CRASHSTATS_TESTDATA ??
  fileURLToPath(
    new URL('../../../../shared/testdata/minidumps', import.meta.url),
  );
const symbolsDir = join(corpus, 'symbols');
const skip = existsSync(symbolsDir)
  ? false
  : `real minidump corpus not found at ${corpus}; skipping`;

function symFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sym'))
    .map((f) => join(dir, f))
    .sort();
}

function load(relative: string): SymbolTable {
  return SymbolTable.parse(readFileSync(join(corpus, relative)));
}

interface JsonFrame {
  module: string | null;
  module_offset: string | null;
  function: string | null;
  function_offset: string | null;
  file: string | null;
  line: number | null;
}

describe('real symbol files from the corpus', { skip }, () => {
  it('parses every file without malformed lines; MODULE matches its folder', () => {
    const files = [
      ...symFiles(symbolsDir),
      ...symFiles(join(corpus, 'sym-variants')),
    ];
    assert.ok(files.length >= 5);
    for (const path of files) {
      const t = SymbolTable.parse(readFileSync(path));
      assert.equal(t.stats.malformed, 0, path);
      assert.ok(t.module, path);
      if (path.startsWith(symbolsDir)) {
        assert.equal(t.module.debugId, basename(dirname(path)), path);
        assert.equal(
          t.module.debugFile,
          basename(dirname(dirname(path))),
          path,
        );
      }
    }
  });

  it('counts the records of test_app.sym and kernel32.sym', () => {
    const app = load(
      'symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym',
    );
    assert.equal(app.stats.functions, 1065);
    assert.equal(app.stats.files, 6661);
    assert.equal(app.stats.publics, 5);
    assert.equal(app.stats.stackWin, 1815);
    assert.equal(app.lookup(0x1000)?.function.name, 'vswprintf');
    assert.equal(app.lookup(0x1012)?.function.name, 'vswprintf');
    assert.equal(app.winFrameAt(0x41b0)?.address, 0x41b0);
    const k32 = load(
      'symbols/kernel32.pdb/BCE8785C57B44245A669896B6A19B9542/kernel32.sym',
    );
    assert.equal(k32.stats.publics, 1576);
    assert.equal(k32.stats.stackWin, 4210);
    assert.equal(k32.stats.functions, 0);
  });

  it('symbolicates test.dmp frames as rust-minidump did (JSON offsets)', async () => {
    const expected = JSON.parse(
      readFileSync(
        join(corpus, 'expected/test.dmp.rust-stackwalk.test_app-symbols.json'),
        'utf8',
      ),
    ) as { crashing_thread: { frames: JsonFrame[] } };
    const supplier = new CachingSymbolSupplier({
      sources: [new LocalSymbolSource(symbolsDir)],
    });
    const found = await supplier.get(
      'test_app.pdb',
      '5A9832E5287241C1838ED98914E9B7FF1',
    );
    assert.equal(found.status, 'found');
    assert.ok(found.status === 'found');
    const frames = expected.crashing_thread.frames.filter(
      (f) => f.function !== null,
    );
    assert.equal(frames.length, 3);
    for (const frame of frames) {
      const offset = Number(frame.module_offset);
      const hit = found.table.lookup(offset);
      assert.equal(hit?.function.name, frame.function);
      assert.equal(hit?.file, frame.file);
      assert.equal(hit?.line, frame.line);
      assert.equal(
        offset - (hit?.function.address ?? NaN),
        Number(frame.function_offset),
      );
    }
  });

  it('symbolicates frame 3 in kernel32 as Breakpad did (PUBLIC + 0x23)', () => {
    const k32 = load(
      'symbols/kernel32.pdb/BCE8785C57B44245A669896B6A19B9542/kernel32.sym',
    );
    // rust's JSON gives the caller's instruction (ret - 1); Breakpad prints
    // the offset of the return address itself from the function.
    const hit = k32.lookup(0x16fd6);
    assert.equal(hit?.function.name, 'BaseProcessStart');
    assert.equal(hit?.function.kind, 'public');
    assert.equal(0x16fd7 - (hit?.function.address ?? 0), 0x23);
    assert.equal(k32.winFrameAt(0x16fd6)?.type, 4);
    assert.equal(k32.winFrameAt(0x16fd6)?.address, 0x16fb4);
  });

  it('matches the function, file and line of Breakpad machine-readable output', () => {
    const app = load(
      'symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym',
    );
    const rows = readFileSync(
      join(corpus, 'expected/test.dmp.breakpad-stackwalk.machine-readable.txt'),
      'utf8',
    )
      .split('\n')
      .map((l) => l.split('|'))
      .filter((r) => r[0] === '0' && r[2] === 'test_app.exe');
    // Module offsets of frames 0-2 (instruction for frame 0, ret - 1 after).
    const offsets = [0x429e, 0x41ff, 0x53eb];
    assert.equal(rows.length, offsets.length);
    rows.forEach((row, n) => {
      const hit = app.lookup(offsets[n] ?? 0);
      assert.equal(hit?.function.name, row[3]);
      assert.equal(hit?.file, row[4]);
      assert.equal(String(hit?.line), row[5]);
    });
  });

  it('resolves the linux_inline chain the README and Breakpad give', () => {
    const t = load(
      'symbols/linux_inline/BBA6FA10B8AAB33D00000000000000000/linux_inline.sym',
    );
    const hit = t.lookup(0x161b6);
    assert.equal(hit?.function.name, 'main');
    assert.equal(hit?.function.address, 0x15b30);
    assert.equal(hit?.file, 'a.cpp');
    assert.equal(hit?.line, 42);
    assert.deepEqual(
      hit?.inlines.map((f) => [f.name, f.file, f.line, f.address]),
      [
        ['foo()', 'b.cpp', 39, 0x15b45],
        ['bar()', 'c.cpp', 32, 0x15b72],
        ['func()', 'linux_inline.cpp', 27, 0x15b83],
      ],
    );
  });

  it('resolves the old INLINE format variant with every file linux_inline.cpp', () => {
    const t = load('sym-variants/linux_inline.old-inline-format.sym');
    const hit = t.lookup(0x161b6);
    assert.equal(hit?.file, 'linux_inline.cpp');
    assert.equal(hit?.line, 42);
    assert.deepEqual(
      hit?.inlines.map((f) => [f.name, f.file, f.line]),
      [
        ['foo()', 'linux_inline.cpp', 39],
        ['bar()', 'linux_inline.cpp', 32],
        ['func()', 'linux_inline.cpp', 27],
      ],
    );
  });
});

describe('crash-client.sym (inlines and CFI)', { skip }, () => {
  const rel =
    'symbols/crash-client/509C0610949836F7B70BD88BCF03E5400/crash-client.sym';
  const text = skip ? '' : readFileSync(join(corpus, rel), 'utf8');
  const t = skip ? undefined : SymbolTable.parse(text);

  it('holds the record counts the README lists', () => {
    assert.ok(t);
    assert.equal(t.stats.inlines, 40148);
    assert.equal(t.stats.inlineOrigins, 9898);
    assert.equal(t.stats.functions, 1996);
    assert.equal(t.stats.cfiInit + t.stats.cfiDelta, 1300);
    assert.equal(t.stats.files, 350);
    assert.equal(t.stats.publics, 40, '41 PUBLIC lines, one at address 0');
    assert.deepEqual(t.codeId, {
      codeId: '509C0610949836F7B70BD88BCF03E540',
      codeFile: undefined,
    });
  });

  it('resolves a nine-level inline chain', () => {
    assert.ok(t);
    const origins = new Map(
      [...text.matchAll(/^INLINE_ORIGIN (\d+) (.*)$/gm)].map((m) => [
        Number(m[1]),
        m[2],
      ]),
    );
    const files = new Map(
      [...text.matchAll(/^FILE (\d+) (.*)$/gm)].map((m) => [
        Number(m[1]),
        m[2],
      ]),
    );
    const hit = t.lookup(0x1662);
    assert.ok(hit);
    assert.ok(
      hit.function.name.startsWith(
        'core::ptr::drop_in_place::<alloc::sync::ArcInner<',
      ),
    );
    assert.equal(hit.function.isMultiple, true);
    assert.deepEqual(
      hit.inlines.map((f) => f.name),
      [227, 228, 229, 230, 233, 234, 235, 236, 237].map((id) =>
        origins.get(id),
      ),
    );
    assert.equal(hit.file, files.get(10));
    assert.equal(hit.line, 487);
    const innermost = hit.inlines.at(-1);
    assert.equal(innermost?.file, files.get(32));
    assert.equal(innermost?.line, 86);
  });

  it('finds every FUNC at its own start, with CFI at most of them', () => {
    assert.ok(t);
    const starts = [...text.matchAll(/^FUNC (?:m )?([0-9a-f]+) ([0-9a-f]+)/gm)];
    let withCfi = 0;
    for (const m of starts) {
      const address = parseInt(m[1] ?? '', 16);
      if (parseInt(m[2] ?? '', 16) === 0) {
        continue;
      }
      assert.ok(t.functionAt(address), `FUNC ${m[1]}`);
      const rules = t.cfiAt(address);
      if (rules) {
        withCfi++;
        assert.ok(rules.has('.cfa') && rules.has('.ra'));
      }
    }
    assert.ok(withCfi > starts.length / 2, `${withCfi} of ${starts.length}`);
  });

  it('applies the three STACK CFI delta rows', () => {
    assert.ok(t);
    assert.equal(t.cfiAt(0xa6433)?.get('.cfa'), '$rsp 16 +');
    assert.equal(t.cfiAt(0xa6434)?.get('.cfa'), '$rbp 16 +');
    assert.equal(t.cfiAt(0xa6468)?.get('.cfa'), '$rsp 8 +');
  });
});
