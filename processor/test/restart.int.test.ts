import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Collections } from '@crashstats/common';
import { eventually } from '@crashstats/testkit';
import { startHarness, type Harness } from './support/harness.js';

describe(
  'processor killed in the middle of a batch',
  { timeout: 120_000 },
  () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    it('processes every crash once it is restarted, one document each', async () => {
      const total = 300;
      const ids: string[] = [];
      for (let i = 0; i < total; i++) {
        ids.push(
          await h.storeCrash({ ProductName: 'Batch', Version: String(i) }),
        );
      }
      for (const id of ids) {
        await h.enqueue('standard', id);
      }

      const settings = {
        PROCESSOR_CONCURRENCY: '4',
        PROCESSOR_ACK_WAIT_MS: '3000',
      };
      const first = h.spawnProcessor(settings);
      await eventually(
        'first crashes processed',
        async () => (await h.countProcessed()) >= 20,
        { timeoutMs: 30_000 },
      );
      first.kill('SIGKILL');
      await once(first, 'exit');
      const atKill = await h.countProcessed();
      assert.ok(
        atKill < total,
        `the kill landed mid-batch (${atKill} of ${total} done)`,
      );

      const second = h.spawnProcessor(settings);
      // Messages the killed process held come back after their ack wait;
      // until then the restarted processor works through the rest.
      await eventually(
        'all processed',
        async () => (await h.countProcessed()) === total,
        { timeoutMs: 60_000 },
      );
      await eventually('queue drained', async () => (await h.lag()) === 0, {
        timeoutMs: 60_000,
      });
      second.kill('SIGTERM');
      await once(second, 'exit');

      const docs = await h.db
        .collection(Collections.processedCrashes)
        .find({}, { projection: { _id: 1 } })
        .toArray();
      assert.equal(docs.length, total);
      assert.deepEqual(docs.map((d) => String(d._id)).sort(), [...ids].sort());
    });
  },
);
