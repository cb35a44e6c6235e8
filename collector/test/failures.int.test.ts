import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readMetric } from '@crashstats/common';
import { eventually } from '@crashstats/testkit';
import {
  crashIdOf,
  dumpPart,
  multipart,
  startHarness,
  submit,
  type Harness,
} from './support/harness.js';

const crash = () =>
  multipart([
    { name: 'ProductName', value: 'Failing' },
    dumpPart('upload_file_minidump', randomBytes(20_000)),
  ]);

async function heartbeat(h: Harness) {
  const res = await fetch(`${h.url}/__heartbeat__`);
  return {
    status: res.status,
    body: (await res.json()) as { errors: { name: string }[] },
  };
}

describe('when a dependency is down', { timeout: 120_000 }, () => {
  let h: Harness;
  before(async () => {
    // A long sweep interval: the test drives the sweeper itself.
    h = await startHarness({
      settings: { COLLECTOR_SWEEP_INTERVAL_MS: '3600000' },
    });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('NATS down: answers 200, keeps the crash unqueued, publishes it once NATS is back', async () => {
    await h.nats.stop();
    const reply = await submit(h.url, crash());
    assert.equal(reply.status, 200);
    const crashId = crashIdOf(reply);
    const doc = await h.rawCrash(crashId);
    assert.equal(doc?.queued, false, 'stored but marked as not yet queued');
    assert.equal(
      await readMetric(h.registry, 'collector_publish_failed_total'),
      1,
    );

    const down = await heartbeat(h);
    assert.equal(down.status, 503);
    assert.deepEqual(
      down.body.errors.map((e) => e.name),
      ['queue'],
    );

    await h.nats.start();
    await eventually(
      'the sweeper to queue the crash',
      async () => {
        await h.collector.sweeper.sweep();
        return (await h.rawCrash(crashId))?.queued === true;
      },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual(
      (await h.queuedCrashIds()).filter((id) => id === crashId),
      [crashId],
      'published exactly once',
    );
    await eventually(
      'the heartbeat healthy again',
      async () => (await heartbeat(h)).status === 200,
    );
  });

  it('a crash swept twice is on the stream once', async () => {
    const reply = await submit(h.url, crash());
    const crashId = crashIdOf(reply);
    const before = await h.queuedCrashIds();
    assert.ok(before.includes(crashId));
    // As if the process died between publishing and recording it.
    await h.markUnqueued(crashId);
    assert.equal(await h.collector.sweeper.sweep(), 1);
    assert.equal((await h.rawCrash(crashId))?.queued, true);
    assert.equal(
      (await h.queuedCrashIds()).filter((id) => id === crashId).length,
      1,
    );
  });

  it('MongoDB down: answers 503 and publishes nothing', async (t) => {
    if (h.mongo.external) {
      t.skip(
        'MONGODB_URL points at an external server that this test cannot stop',
      );
      return;
    }
    const queued = (await h.queuedCrashIds()).length;
    await h.mongo.stop();
    try {
      const reply = await submit(h.url, crash());
      assert.equal(reply.status, 503);
      assert.equal(reply.body, '');
      assert.equal(reply.headers['retry-after'], '60');
      assert.equal(
        (await h.queuedCrashIds()).length,
        queued,
        'nothing published',
      );

      const down = await heartbeat(h);
      assert.equal(down.status, 503);
      assert.deepEqual(
        down.body.errors.map((e) => e.name),
        ['storage'],
      );
    } finally {
      await h.mongo.start();
    }
    await eventually(
      'the heartbeat healthy again',
      async () => (await heartbeat(h)).status === 200,
      { timeoutMs: 20_000 },
    );
    crashIdOf(await submit(h.url, crash()));
  });
});
