import assert from 'node:assert/strict';
import { symbolKey, type SymbolKey } from '@crashstats/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
  RecordingSymbolSupplier,
  StoreSymbolSource,
  SymbolTable,
  type SymbolEvent,
  type SymbolFetchResult,
  type SymbolSource,
  type SymbolStore,
} from '../../src/symbols/index.js';
import { SymWriter, writeSymbolTree } from '../support/sym-writer.js';

const ID = 'C0FFEE00C0FFEE00C0FFEE00C0FFEE001';

function symText(debugFile: string, debugId = ID, name = 'fn'): string {
  return new SymWriter({ os: 'windows', cpu: 'x86', debugId, debugFile })
    .func({ address: 0x1000, size: 0x10, name })
    .toString();
}

/** A source answering from a map, counting its calls. */
class MapSource implements SymbolSource {
  calls = 0;
  discarded: string[] = [];
  constructor(
    readonly name: string,
    private readonly files: Record<string, string | Error>,
  ) {}
  fetch(key: SymbolKey): Promise<SymbolFetchResult> {
    this.calls++;
    const f = this.files[key.path];
    if (f === undefined) {
      return Promise.resolve({ kind: 'missing' });
    }
    if (f instanceof Error) {
      return Promise.reject(f);
    }
    return Promise.resolve({
      kind: 'found',
      data: Buffer.from(f),
      location: `${this.name}/${key.path}`,
    });
  }
  discard(key: SymbolKey): Promise<void> {
    this.discarded.push(key.path);
    return Promise.resolve();
  }
}

describe('LocalSymbolSource', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sym-local-'));
    await writeSymbolTree(root, 'foo.pdb', ID, symText('foo.pdb'));
    await writeSymbolTree(root, 'libc.so.6', ID, symText('libc.so.6'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('reads <debug file>/<ID>/<name>.sym for PDB and ELF names', async () => {
    const source = new LocalSymbolSource(root);
    for (const debugFile of ['foo.pdb', 'libc.so.6']) {
      const key = symbolKey(debugFile, ID.toLowerCase()) as SymbolKey;
      const r = await source.fetch(key);
      assert.equal(r.kind, 'found', debugFile);
      assert.ok(r.kind === 'found' && r.location === source.pathOf(key));
    }
    assert.ok(
      source
        .pathOf(symbolKey('foo.pdb', ID) as SymbolKey)
        .endsWith(join('foo.pdb', ID, 'foo.sym')),
    );
  });

  it('says missing for absent files and for a file where a folder should be', async () => {
    const source = new LocalSymbolSource(root);
    assert.deepEqual(
      await source.fetch(symbolKey('bar.pdb', ID) as SymbolKey),
      { kind: 'missing' },
    );
    const notDir = new LocalSymbolSource(join(root, 'foo.pdb', ID, 'foo.sym'));
    assert.deepEqual(
      await notDir.fetch(symbolKey('foo.pdb', ID) as SymbolKey),
      { kind: 'missing' },
    );
  });

  it('reports other I/O failures as errors', async () => {
    const source = new LocalSymbolSource(root);
    // The .sym path is a directory here: EISDIR is not "missing".
    await writeSymbolTree(join(root, 'odd.pdb', ID, 'odd.sym'), 'x', 'y', 'z');
    const r = await source.fetch(symbolKey('odd.pdb', ID) as SymbolKey);
    assert.equal(r.kind, 'error');
  });
});

describe('CachingSymbolSupplier', () => {
  it('tries sources in order and caches the parsed table', async () => {
    const events: SymbolEvent[] = [];
    const first = new MapSource('first', {});
    const second = new MapSource('second', {
      [`a.pdb/${ID}/a.sym`]: symText('a.pdb'),
    });
    const supplier = new CachingSymbolSupplier({
      sources: [first, second],
      onEvent: (e) => events.push(e),
    });
    const r1 = await supplier.get('a.pdb', ID.toLowerCase());
    assert.equal(r1.status, 'found');
    assert.ok(r1.status === 'found');
    assert.equal(r1.source, 'second');
    assert.equal(r1.fromCache, false);
    assert.equal(r1.table.lookup(0x1000)?.function.name, 'fn');
    const r2 = await supplier.get('c:\\out\\a.pdb', ID);
    assert.ok(r2.status === 'found' && r2.fromCache && r2.table === r1.table);
    assert.equal(first.calls + second.calls, 2);
    assert.ok(supplier.cachedBytes > 0);
    const types = events.map((e) => e.type);
    assert.deepEqual(types, [
      'cache-miss',
      'fetch',
      'parse',
      'lookup',
      'cache-hit',
      'lookup',
    ]);
  });

  it('shares one load between concurrent requests', async () => {
    const source = new MapSource('only', {
      [`a.pdb/${ID}/a.sym`]: symText('a.pdb'),
    });
    const supplier = new CachingSymbolSupplier({ sources: [source] });
    const results = await Promise.all(
      [1, 2, 3].map(() => supplier.get('a.pdb', ID)),
    );
    assert.equal(source.calls, 1);
    assert.ok(results.every((r) => r.status === 'found'));
  });

  it('reports missing, with source errors, and does not cache it', async () => {
    const broken = new MapSource('broken', {
      [`a.pdb/${ID}/a.sym`]: new Error('disk on fire'),
    });
    const events: SymbolEvent[] = [];
    const supplier = new CachingSymbolSupplier({
      sources: [broken, new MapSource('empty', {})],
      onEvent: (e) => events.push(e),
    });
    assert.deepEqual(await supplier.get('a.pdb', ID), {
      status: 'missing',
      errors: ['broken: disk on fire'],
    });
    assert.deepEqual(events[1], {
      type: 'source-error',
      module: `a.pdb/${ID}`,
      source: 'broken',
      message: 'disk on fire',
    });
    await supplier.get('a.pdb', ID);
    assert.equal(broken.calls, 2);
    assert.deepEqual(await supplier.get('', ID), {
      status: 'missing',
      errors: [],
    });
    assert.deepEqual(await supplier.get('a.pdb', 'not-hex'), {
      status: 'missing',
      errors: [],
    });
  });

  it('remembers a definitive miss for its TTL, then asks again', async () => {
    let now = 0;
    const empty = new MapSource('empty', {});
    const supplier = new CachingSymbolSupplier({
      sources: [empty],
      missTtlMs: 1000,
      now: () => now,
    });
    const missing = { status: 'missing', errors: [] };
    assert.deepEqual(await supplier.get('a.pdb', ID), missing);
    assert.deepEqual(await supplier.get('a.pdb', ID), missing);
    assert.equal(empty.calls, 1);
    now += 1001;
    assert.deepEqual(await supplier.get('a.pdb', ID), missing);
    assert.equal(empty.calls, 2);
    const never = new CachingSymbolSupplier({ sources: [empty], missTtlMs: 0 });
    await never.get('b.pdb', ID);
    await never.get('b.pdb', ID);
    assert.equal(empty.calls, 4);
  });

  it('refuses a file for another debug id as corrupt, tries later sources, discards it', async () => {
    const other = 'DEADBEEFDEADBEEFDEADBEEFDEADBEEF1';
    const wrong = new MapSource('wrong', {
      [`a.pdb/${ID}/a.sym`]: symText('a.pdb', other),
    });
    let now = 0;
    const supplier = new CachingSymbolSupplier({
      sources: [wrong],
      corruptTtlMs: 1000,
      now: () => now,
    });
    const r = await supplier.get('a.pdb', ID);
    assert.equal(r.status, 'corrupt');
    assert.ok(r.status === 'corrupt' && r.reason.includes('debug id mismatch'));
    assert.deepEqual(wrong.discarded, [`a.pdb/${ID}/a.sym`]);
    const again = await supplier.get('a.pdb', ID);
    assert.ok(again.status === 'corrupt' && again.fromCache);
    assert.equal(wrong.calls, 1);
    now += 1001; // past the TTL, the sources are asked again
    const later = await supplier.get('a.pdb', ID);
    assert.ok(later.status === 'corrupt' && !later.fromCache);
    assert.equal(wrong.calls, 2);

    const good = new MapSource('good', {
      [`a.pdb/${ID}/a.sym`]: symText('a.pdb'),
    });
    const chained = new CachingSymbolSupplier({ sources: [wrong, good] });
    const fixed = await chained.get('a.pdb', ID);
    assert.ok(fixed.status === 'found' && fixed.source === 'good');
  });

  it('refuses non-symbol data and files with mostly malformed lines', async () => {
    const garbage = new MapSource('g', {
      [`a.pdb/${ID}/a.sym`]: '<html><body>Not Found</body></html>\n',
      [`b.pdb/${ID}/b.sym`]: `${symText('b.pdb')}FILE x\nFILE y\nFILE z\nFILE w\n`,
      [`c.pdb/${ID}/c.sym`]: 'FUNC 10 10 0 cfi only\n',
    });
    const supplier = new CachingSymbolSupplier({
      sources: [garbage],
      maxMalformedRatio: 0.5,
    });
    const a = await supplier.get('a.pdb', ID);
    assert.ok(a.status === 'corrupt' && a.reason === 'not a symbol file');
    const b = await supplier.get('b.pdb', ID);
    assert.ok(
      b.status === 'corrupt' && /4 of 6 lines/.test(b.reason),
      JSON.stringify(b),
    );
    const c = await supplier.get('c.pdb', ID);
    assert.equal(
      c.status,
      'found',
      'a file without MODULE but with records is usable',
    );
  });

  it('evicts parsed tables beyond its memory budget', async () => {
    const files: Record<string, string> = {};
    for (const n of ['a', 'b', 'c']) {
      files[`${n}.pdb/${ID}/${n}.sym`] = symText(`${n}.pdb`);
    }
    const one = SymbolTable.parse(
      files[`a.pdb/${ID}/a.sym`] ?? '',
    ).estimatedBytes;
    const source = new MapSource('s', files);
    const supplier = new CachingSymbolSupplier({
      sources: [source],
      cacheMaxBytes: Math.floor(one * 2.5),
    });
    for (const n of ['a', 'b', 'c', 'a']) {
      await supplier.get(`${n}.pdb`, ID);
    }
    assert.ok(supplier.cachedBytes <= one * 2.5);
    assert.equal(source.calls, 4, 'a was evicted when c came in');
    await supplier.get('a.pdb', ID);
    assert.equal(source.calls, 4, 'a is cached again');
  });
});

describe('StoreSymbolSource and RecordingSymbolSupplier', () => {
  const store: SymbolStore = {
    open(debugFile, debugId) {
      if (debugFile === 'streamed.pdb') {
        return Promise.resolve(
          Readable.from([
            Buffer.from(symText(debugFile, debugId, 'from stream')),
          ]),
        );
      }
      if (debugFile === 'buffered.pdb') {
        return Promise.resolve(
          Buffer.from(symText(debugFile, debugId, 'from buffer')),
        );
      }
      if (debugFile === 'failing.pdb') {
        return Promise.reject(new Error('store down'));
      }
      return Promise.resolve(null);
    },
  };

  it('adapts a store to a source: streams, buffers, null and failures', async () => {
    const source = new StoreSymbolSource(store, {
      name: 'gridfs',
      maxBytes: 1 << 20,
    });
    const streamed = await source.fetch(
      symbolKey('streamed.pdb', ID) as SymbolKey,
    );
    assert.ok(
      streamed.kind === 'found' &&
        streamed.location === `gridfs:streamed.pdb/${ID}/streamed.sym`,
    );
    assert.equal(
      (await source.fetch(symbolKey('buffered.pdb', ID) as SymbolKey)).kind,
      'found',
    );
    assert.equal(
      (await source.fetch(symbolKey('none.pdb', ID) as SymbolKey)).kind,
      'missing',
    );
    assert.deepEqual(
      await source.fetch(symbolKey('failing.pdb', ID) as SymbolKey),
      {
        kind: 'error',
        message: 'store down',
      },
    );
    const tiny = new StoreSymbolSource(store, { maxBytes: 10 });
    assert.equal(
      (await tiny.fetch(symbolKey('streamed.pdb', ID) as SymbolKey)).kind,
      'error',
    );
  });

  it('records found, missing and corrupt per module for one crash', async () => {
    const supplier = new CachingSymbolSupplier({
      sources: [
        new StoreSymbolSource(store),
        new MapSource('m', {
          [`bad.pdb/${ID}/bad.sym`]: symText('bad.pdb', 'AAAA'),
        }),
      ],
    });
    const crash = new RecordingSymbolSupplier(supplier);
    const found = await crash.get('streamed.pdb', ID);
    assert.ok(
      found.status === 'found' &&
        found.table.lookup(0x1000)?.function.name === 'from stream',
    );
    await crash.get('none.pdb', ID);
    await crash.get('bad.pdb', ID);
    await crash.get('streamed.pdb', ID.toLowerCase());
    assert.deepEqual(
      crash.statuses().map((s) => [s.debugFile, s.status, s.source]),
      [
        ['streamed.pdb', 'found', 'store'],
        ['none.pdb', 'missing', undefined],
        ['bad.pdb', 'corrupt', 'm'],
      ],
    );
    assert.equal(crash.statusOf('none.pdb', ID)?.status, 'missing');
    assert.equal(crash.statusOf('never.pdb', ID), undefined);
  });
});
