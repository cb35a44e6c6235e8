import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import {
  mongoDatabaseName,
  startMongo,
  type MongoServer,
} from '@crashstats/testkit';
import { GridFsSymbolStore, InvalidSymbolFileError } from '@crashstats/common';
import {
  CachingSymbolSupplier,
  readAll,
  StoreSymbolSource,
} from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

const ID = 'BBA6FA10B8AAB33D00000000000000000';

function symText(debugFile: string, name: string, functions = 1): string {
  const w = new SymWriter({
    os: 'Linux',
    cpu: 'x86_64',
    debugId: ID,
    debugFile,
  });
  for (let i = 0; i < functions; i++) {
    w.func({ address: 0x1000 + i * 0x10, size: 0x10, name: `${name}_${i}` });
  }
  return w.toString();
}

async function text(stream: Readable | null): Promise<string | null> {
  return stream === null ? null : (await readAll(stream, 1 << 30)).toString();
}

describe(
  'GridFsSymbolStore on a real MongoDB-wire server',
  { timeout: 60_000 },
  () => {
    let server: MongoServer;
    let client: MongoClient;
    let db: Db;
    let store: GridFsSymbolStore;

    before(async () => {
      server = await startMongo();
      client = new MongoClient(server.url, { serverSelectionTimeoutMS: 5000 });
      await client.connect();
      db = client.db(mongoDatabaseName('symbols'));
      store = new GridFsSymbolStore(db, { chunkSizeBytes: 16 * 1024 });
    });

    after(async () => {
      await db?.dropDatabase().catch(() => undefined);
      await client?.close();
      await server?.[Symbol.asyncDispose]();
    });

    it('stores a Buffer under the name from its MODULE line and opens it', async () => {
      const body = symText('libc.so.6', 'first');
      const stored = await store.put(Buffer.from(body));
      assert.equal(stored.filename, `libc.so.6/${ID}/libc.so.6.sym`);
      assert.equal(stored.size, Buffer.byteLength(body));
      assert.deepEqual(stored.module, {
        os: 'Linux',
        cpu: 'x86_64',
        debugId: ID,
        debugFile: 'libc.so.6',
      });
      assert.equal(
        await text(await store.open('libc.so.6', ID.toLowerCase())),
        body,
      );
      const files = await db.collection('symbols.files').find({}).toArray();
      assert.equal(files.length, 1);
      assert.equal(files[0]?.filename, stored.filename);
    });

    it('streams a multi-chunk upload and replaces the older file', async () => {
      const body = symText('libc.so.6', 'second', 3000);
      assert.ok(body.length > 64 * 1024);
      // Split so the MODULE line spans two chunks.
      const bytes = Buffer.from(body);
      const parts = [
        bytes.subarray(0, 10),
        bytes.subarray(10, 70_000),
        bytes.subarray(70_000),
      ];
      const stored = await store.put(Readable.from(parts));
      assert.equal(stored.size, bytes.length);
      assert.equal(await text(await store.open('libc.so.6', ID)), body);
      const files = await db
        .collection('symbols.files')
        .find({ filename: stored.filename })
        .toArray();
      assert.equal(files.length, 1, 'the older upload was removed');
    });

    it('names PDB-based files without .pdb and keeps files of different modules apart', async () => {
      const stored = await store.put(
        Buffer.from(symText('c:\\build\\app.pdb', 'win')),
      );
      assert.equal(stored.filename, `app.pdb/${ID}/app.sym`);
      assert.match(
        (await text(await store.open('app.pdb', ID))) ?? '',
        /win_0/,
      );
      assert.match(
        (await text(await store.open('libc.so.6', ID))) ?? '',
        /second_0/,
      );
    });

    it('opens nothing for unknown modules or unusable names', async () => {
      assert.equal(await store.open('nothing.so', ID), null);
      assert.equal(await store.open('libc.so.6', 'FFFF'), null);
      assert.equal(await store.open('..', ID), null);
    });

    it('refuses data that is not a symbol file, storing nothing', async () => {
      const before = await db.collection('symbols.files').countDocuments();
      await assert.rejects(
        store.put(Buffer.from('<html>oops</html>\n')),
        InvalidSymbolFileError,
      );
      await assert.rejects(
        store.put(Readable.from([Buffer.from('FILE 0 a.c\n')])),
        InvalidSymbolFileError,
      );
      assert.equal(
        await db.collection('symbols.files').countDocuments(),
        before,
      );
    });

    it('serves a CachingSymbolSupplier through StoreSymbolSource', async () => {
      const supplier = new CachingSymbolSupplier({
        sources: [new StoreSymbolSource(store, { name: 'gridfs' })],
      });
      const found = await supplier.get('/lib/x86_64-linux-gnu/libc.so.6', ID);
      assert.ok(found.status === 'found');
      assert.equal(found.source, 'gridfs');
      assert.equal(found.location, `gridfs:libc.so.6/${ID}/libc.so.6.sym`);
      assert.equal(found.table.lookup(0x1000)?.function.name, 'second_0');
      assert.deepEqual(await supplier.get('nothing.so', ID), {
        status: 'missing',
        errors: [],
      });
    });

    it('deletes every stored file of a module', async () => {
      assert.equal(await store.delete('app.pdb', ID), 1);
      assert.equal(await store.open('app.pdb', ID), null);
      assert.equal(await store.delete('app.pdb', ID), 0);
      assert.equal(await store.delete('', ID), 0);
    });
  },
);
