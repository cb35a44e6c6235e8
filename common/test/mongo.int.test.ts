import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { MongoClient } from 'mongodb';
import { connectMongo, MongoCrashStorage } from '@crashstats/common';
import {
  mongoDatabaseName,
  startMongo,
  type MongoServer,
} from '@crashstats/testkit';

describe(
  'crash storage on a real MongoDB-wire server',
  { timeout: 30_000 },
  () => {
    let server: MongoServer;
    let client: MongoClient;
    let storage: MongoCrashStorage;

    before(async () => {
      server = await startMongo();
      client = await connectMongo({
        url: server.url,
        timeoutMs: 2000,
        appName: 'test',
      });
      storage = new MongoCrashStorage(
        client,
        client.db(mongoDatabaseName('storage')),
        {
          chunkSizeBytes: 64 * 1024,
        },
      );
    });
    after(async () => {
      await client.close();
      await server[Symbol.asyncDispose]();
    });

    it('keeps annotation names the server would refuse as keys', async () => {
      const raw_crash = {
        ProductName: 'Keys',
        'Dotted.Name': '1',
        $dollar: '2',
        'nul\u0000': '3',
        Nested: { 'uBlock0@raymondhill.net': { $v: [{ 'a.b': 1 }] } },
      };
      await storage.saveRawCrash({
        _id: 'keys-crash',
        raw_crash,
        dumps: [],
        queued: false,
        stored_at: new Date(),
      });
      const back = await storage.getRawCrash('keys-crash');
      assert.deepEqual(back?.raw_crash, raw_crash);
    });

    it('creates its indexes idempotently', async () => {
      await storage.ensureIndexes();
      await storage.ensureIndexes();
      await storage.check();
    });

    it('stores a multi-chunk dump, hashes it, reads it back and deletes it', async () => {
      const bytes = randomBytes(300_000);
      const dump = await storage.saveDump(
        'upload_file_minidump',
        Readable.from([bytes]),
      );
      assert.equal(dump.size, bytes.length);
      assert.match(dump.sha256, /^[0-9a-f]{64}$/);
      const chunks: Buffer[] = [];
      for await (const chunk of storage.openDump(dump.fileId)) {
        chunks.push(chunk as Buffer);
      }
      assert.ok(Buffer.concat(chunks).equals(bytes));
      await storage.deleteDumps([dump]);
      await assert.rejects(
        storage.openDump(dump.fileId).toArray(),
        /FileNotFound|file not found/i,
      );
    });

    it('finds unqueued crashes older than a cutoff, oldest first', async () => {
      const base = new Date('2026-01-01T00:00:00Z');
      const doc = (id: string, minutes: number, queued: boolean) => ({
        _id: id,
        raw_crash: { uuid: id },
        dumps: [],
        queued,
        stored_at: new Date(base.getTime() + minutes * 60_000),
      });
      await storage.saveRawCrash(doc('b', 2, false));
      await storage.saveRawCrash(doc('a', 1, false));
      await storage.saveRawCrash(doc('q', 0, true));
      await storage.saveRawCrash(doc('late', 30, false));
      const cutoff = new Date(base.getTime() + 10 * 60_000);
      assert.deepEqual(await storage.findUnqueued(cutoff, 10), ['a', 'b']);
      await storage.markQueued('a');
      assert.deepEqual(await storage.findUnqueued(cutoff, 10), ['b']);
      assert.equal((await storage.getRawCrash('a'))?.queued, true);
    });
  },
);
