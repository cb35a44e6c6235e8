import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MongoClient } from 'mongodb';
import {
  connectMongo,
  firstBuildOf,
  ProcessedCrashStorage,
  type ProcessedCrashDocument,
} from '@crashstats/common';
import {
  mongoDatabaseName,
  startMongo,
  type MongoServer,
} from '@crashstats/testkit';

describe(
  'signature summaries on a real MongoDB-wire server',
  { timeout: 30_000 },
  () => {
    let server: MongoServer;
    let client: MongoClient;
    let storage: ProcessedCrashStorage;

    before(async () => {
      server = await startMongo();
      client = await connectMongo({
        url: server.url,
        timeoutMs: 2000,
        appName: 'test',
      });
      storage = new ProcessedCrashStorage(
        client.db(mongoDatabaseName('processed')),
      );
      await storage.ensureIndexes();
    });
    after(async () => {
      await client.close();
      await server[Symbol.asyncDispose]();
    });

    const crash = (
      id: string,
      day: number,
      build?: string,
    ): ProcessedCrashDocument => ({
      _id: id,
      uuid: id,
      signature: 'A | b',
      date_processed: new Date(Date.UTC(2026, 11, day)),
      ...(build === undefined ? {} : { build }),
    });

    it('keeps keys from JSON annotations that the server would refuse', async () => {
      const telemetry_environment = {
        addons: { activeAddons: { 'uBlock0@raymondhill.net': { v: '1.6' } } },
        $odd: { 'x.y': [{ 'p.q': 1 }] },
      };
      await storage.save({
        ...crash('keys', 4),
        signature: 'Keys | only',
        telemetry_environment,
      });
      const back = await storage.get('keys');
      assert.deepEqual(back?.telemetry_environment, telemetry_environment);
      assert.equal(back?.signature, 'Keys | only');
    });

    it('keeps first and last seen, the count and the smallest build, numerically', async () => {
      await storage.save(crash('c1', 3, '20261203000000'));
      await storage.save(crash('c2', 1, '9'));
      await storage.save(crash('c3', 5, 'not-a-build'));
      await storage.save(crash('c4', 2));
      // A repeat run of a crash does not count it twice.
      await storage.save(crash('c1', 3, '20261203000000'));
      const sig = await storage.getSignature('A | b');
      assert.ok(sig);
      assert.equal(sig.crash_count, 4);
      assert.equal(sig.first_seen.toISOString(), '2026-12-01T00:00:00.000Z');
      assert.equal(sig.last_seen.toISOString(), '2026-12-05T00:00:00.000Z');
      // "9" is smaller than "20261203000000" as a number, not as text.
      assert.equal(firstBuildOf(sig), '9');
    });
  },
);
