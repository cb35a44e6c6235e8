import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MongoClient } from 'mongodb';
import {
  connectMongo,
  GridFsSymbolStore,
  MissingSymbolsStorage,
  ProcessedCrashStorage,
  readModuleLine,
} from '@crashstats/common';
import {
  mongoDatabaseName,
  startMongo,
  type MongoServer,
} from '@crashstats/testkit';

const ID = '5A9832E5287241C1838ED98914E9B7FF1';

describe('readModuleLine', () => {
  it('reads the MODULE record, names with spaces, after a BOM and blank lines', () => {
    assert.deepEqual(
      readModuleLine(
        Buffer.from(
          `MODULE windows x86 ${ID.toLowerCase()} test_app.pdb\r\nFILE 0 a.c\n`,
        ),
      ),
      {
        os: 'windows',
        cpu: 'x86',
        debugId: ID,
        debugFile: 'test_app.pdb',
      },
    );
    assert.equal(
      readModuleLine(
        Buffer.from(`\ufeff\n\nMODULE mac arm64 ABCD Electron Framework\n`),
      )?.debugFile,
      'Electron Framework',
    );
  });

  it('refuses anything else first', () => {
    for (const text of [
      'FILE 0 a.c\nMODULE a b 00 c\n',
      'MODULE Linux x86 nothex f\n',
      'MODULE Linux x86 00\n',
      '',
      '\n\n',
    ]) {
      assert.equal(
        readModuleLine(Buffer.from(text)),
        undefined,
        JSON.stringify(text),
      );
    }
  });
});

describe(
  'symbol store and missing symbols on a real MongoDB-wire server',
  { timeout: 30_000 },
  () => {
    let server: MongoServer;
    let client: MongoClient;
    let store: GridFsSymbolStore;
    let missing: MissingSymbolsStorage;
    let processed: ProcessedCrashStorage;

    before(async () => {
      server = await startMongo();
      client = await connectMongo({
        url: server.url,
        timeoutMs: 2000,
        appName: 'test',
      });
      const db = client.db(mongoDatabaseName('symbols'));
      store = new GridFsSymbolStore(db);
      missing = new MissingSymbolsStorage(db);
      processed = new ProcessedCrashStorage(db);
      await processed.ensureIndexes();
    });
    after(async () => {
      await client.close();
      await server[Symbol.asyncDispose]();
    });

    it('lists stored files newest first, with their module, by prefix and page', async () => {
      const app = Buffer.from(
        `MODULE windows x86 ${ID} test_app.pdb\nFUNC 10 2 0 f\n`,
      );
      const xul = Buffer.from(
        'MODULE Linux x86_64 ABC1 libxul.so\nFUNC 1 1 0 g\n',
      );
      await store.put(app);
      await store.put(Buffer.from('MODULE Linux x86_64 ABC1 libxul.so\n'));
      // A second upload for the same module replaces the first.
      await store.put(xul);
      const all = await store.list();
      assert.equal(all.total, 2);
      assert.deepEqual(
        all.files.map((f) => [
          f.filename,
          f.debugFile,
          f.debugId,
          f.os,
          f.cpu,
          f.size,
        ]),
        [
          [
            'libxul.so/ABC1/libxul.so.sym',
            'libxul.so',
            'ABC1',
            'Linux',
            'x86_64',
            xul.length,
          ],
          [
            `test_app.pdb/${ID}/test_app.sym`,
            'test_app.pdb',
            ID,
            'windows',
            'x86',
            app.length,
          ],
        ],
      );
      const prefixed = await store.list({ prefix: 'test_app' });
      assert.deepEqual(
        prefixed.files.map((f) => f.debugFile),
        ['test_app.pdb'],
      );
      assert.equal(prefixed.total, 1);
      const second = await store.list({ offset: 1, limit: 1 });
      assert.deepEqual(
        second.files.map((f) => f.debugFile),
        ['test_app.pdb'],
      );
      // A prefix is text, not a pattern.
      assert.equal((await store.list({ prefix: '.*' })).total, 0);
    });

    it('counts each crash once against the modules it missed', async () => {
      const jsonDump = {
        modules: [
          {
            filename: 'xul.dll',
            debug_file: 'xul.pdb',
            debug_id: 'AAA1',
            code_id: 'c1',
            missing_symbols: true,
          },
          {
            filename: 'ntdll.dll',
            debug_file: 'ntdll.pdb',
            debug_id: 'BBB1',
            code_id: 'c2',
            missing_symbols: false,
          },
          {
            filename: 'odd.dll',
            debug_file: null,
            debug_id: 'CCC1',
            missing_symbols: true,
          },
        ],
      };
      const when = new Date('2026-12-02T00:00:00Z');
      for (const id of ['c1', 'c2']) {
        await processed.save({
          _id: id,
          uuid: id,
          date_processed: when,
          json_dump: jsonDump,
        });
      }
      // Reprocessing the first crash does not count it again.
      await processed.save({
        _id: 'c1',
        uuid: 'c1',
        date_processed: when,
        json_dump: jsonDump,
      });
      await missing.record(
        {
          modules: [
            {
              debug_file: 'other.pdb',
              debug_id: 'DDD1',
              missing_symbols: true,
            },
          ],
        },
        when,
      );
      const wanted = await missing.mostWanted();
      assert.equal(wanted.total, 2);
      assert.deepEqual(
        wanted.modules.map((m) => [
          m._id,
          m.crash_count,
          m.code_file,
          m.code_id,
        ]),
        [
          ['xul.pdb/AAA1', 2, 'xul.dll', 'c1'],
          ['other.pdb/DDD1', 1, null, null],
        ],
      );
      await missing.resolve('xul.pdb', 'AAA1');
      assert.deepEqual(
        (await missing.mostWanted()).modules.map((m) => m._id),
        ['other.pdb/DDD1'],
      );
    });
  },
);
