import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readMetric } from '@crashstats/common';
import type { Rule } from '../src/rules/rule.js';
import { eventually } from '@crashstats/testkit';
import { startHarness, type Harness } from './support/harness.js';

describe('processor on real NATS and MongoDB', { timeout: 60_000 }, () => {
  let h: Harness;
  const failing: Rule = {
    name: 'always_fails',
    run() {
      throw new RangeError('secret detail that must not reach the notes');
    },
  };
  const signature: Rule = {
    name: 'signature',
    run(state) {
      state.processed.signature = `sig | ${String(state.processed.product)}`;
    },
  };

  before(async () => {
    h = await startHarness();
    await h.startProcessor({}, { minidump: failing, signature });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('processes a queued crash into a processed crash', async () => {
    const crashId = await h.storeCrash({
      ProductName: 'Firefox',
      Version: '128.0b3',
      ReleaseChannel: 'beta',
      BuildID: '20240701000000',
      CrashTime: '1719915072',
      StartupTime: '1719915000',
      InstallTime: '1719000000',
      URL: 'https://example.com/private',
      'Add-ons': 'a%40b:1.0,c:2',
    });
    await h.enqueue('standard', crashId);
    await eventually(
      'the crash processed',
      async () => (await h.processed(crashId)) !== null,
    );
    const p = (await h.processed(crashId))!;
    assert.equal(p.uuid, crashId);
    assert.equal(p.product, 'Firefox');
    assert.equal(p.version, '128.0b3');
    assert.equal(p.major_version, 128);
    assert.equal(p.release_channel, 'beta');
    assert.equal(p.build, '20240701000000');
    assert.equal(p.uptime, 72);
    assert.equal(p.install_age, 915072);
    assert.equal(p.url, 'https://example.com/private');
    assert.deepEqual(p.addons, ['a@b:1.0', 'c:2']);
    assert.equal(p.process_type, 'parent');
    assert.equal(p.report_type, 'crash');
    assert.ok(p.date_processed instanceof Date);
    assert.equal(p.signature, 'sig | Firefox');
    assert.equal(p.success, false, 'a failed rule marks the run unsuccessful');
    assert.equal(
      p.processor_notes,
      "ruleset 'default' rule 'always_fails' failed: RangeError",
    );
    assert.equal((p.processor_history as string[]).length, 1);
    await eventually('the queue drained', async () => (await h.lag()) === 0);
  });

  it('keeps earlier runs in the history and counts the signature once', async () => {
    const crashId = await h.storeCrash({ ProductName: 'Thunderbird' });
    await h.enqueue('standard', crashId);
    await eventually(
      'the crash processed',
      async () => (await h.processed(crashId)) !== null,
    );
    await h.enqueue('reprocess', `${crashId}:regenerate_signature`);
    await eventually(
      'a second run in the history',
      async () =>
        ((await h.processed(crashId))?.processor_history as string[]).length ===
        2,
    );
    const p = (await h.processed(crashId))!;
    assert.match(
      (p.processor_history as string[])[1]!,
      / regenerate_signature: ok$/,
    );
    const sig = await h.db
      .collection('signatures')
      .findOne({ _id: 'sig | Thunderbird' as never });
    assert.equal(sig?.crash_count, 1);
  });

  it('drops test messages and crash ids without a raw crash', async () => {
    await h.enqueue('standard', 'test');
    await h.enqueue('priority', 'de1bb258-cbbf-4589-a673-34f800160918');
    await eventually('the queue drained', async () => (await h.lag()) === 0);
    assert.equal(
      await h.processed('de1bb258-cbbf-4589-a673-34f800160918'),
      null,
    );
  });
});

describe('processor failure handling', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('stores a crash that keeps failing as failed, after the last delivery', async () => {
    const crashId = await h.storeCrash({ ProductName: 'X' });
    // A processed crash over MongoDB's 16 MiB document limit cannot be
    // stored, on any delivery.
    const exploding: Rule = {
      name: 'signature',
      run(state) {
        state.processed.padding = 'x'.repeat(17 * 1024 * 1024);
      },
    };
    const p = await h.startProcessor(
      { PROCESSOR_MAX_DELIVER: '2' },
      { signature: exploding },
    );
    await h.enqueue('standard', crashId);
    await eventually(
      'the crash recorded as failed',
      async () => (await h.processed(crashId))?.success === false,
      { timeoutMs: 20_000 },
    );
    const doc = (await h.processed(crashId))!;
    assert.match(
      String(doc.processor_notes),
      /^processing failed after 2 attempts: \w+/,
    );
    assert.equal(
      await readMetric(p.registry, 'processor_crashes_total', {
        outcome: 'failed',
      }),
      1,
    );
    await eventually('the queue drained', async () => (await h.lag()) === 0);

    // Once whatever made it fail is gone, reprocessing it succeeds, and
    // the crash says so: success is this run's, not the last one's.
    await p.close();
    await h.startProcessor({}, {});
    await h.enqueue('reprocess', crashId);
    const fixed = await eventually(
      'the reprocessed crash',
      async () => {
        const now = await h.processed(crashId);
        return (now?.processor_history as string[]).length === 2
          ? now!
          : undefined;
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(fixed.success, true);
    assert.doesNotMatch(String(fixed.processor_notes), /processing failed/);
  });
});
