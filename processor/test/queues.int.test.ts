/**
 * The order in which the processor takes crashes from its three queues,
 * on a real NATS server: priority first, reprocess with a small share
 * while standard has work, the rest of reprocess when standard is empty.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CrashQueue } from '@crashstats/common';
import type { Rule } from '../src/rules/rule.js';
import { eventually } from '@crashstats/testkit';
import { startHarness, type Harness } from './support/harness.js';

const SHARE = 4;
const COUNTS: Readonly<Record<CrashQueue, number>> = {
  priority: 4,
  standard: 12,
  reprocess: 6,
};

describe('queue order', { timeout: 60_000 }, () => {
  let h: Harness;
  const queueOf = new Map<string, CrashQueue>();
  const order: CrashQueue[] = [];

  // Records the queue of each crash as it is processed. The first crash
  // waits until every queue's messages have reached the processor, so the
  // picks after it choose among all three.
  const recorder: Rule = {
    name: 'minidump',
    async run(state) {
      const queue = queueOf.get(state.crashId);
      assert.ok(queue, `unexpected crash ${state.crashId}`);
      order.push(queue);
      await new Promise((r) => setTimeout(r, order.length === 1 ? 1000 : 30));
    },
  };

  before(async () => {
    h = await startHarness();
    for (const queue of ['standard', 'reprocess', 'priority'] as const) {
      for (let i = 0; i < COUNTS[queue]; i++) {
        const crashId = await h.storeCrash({
          ProductName: 'Order',
          Version: '1',
        });
        queueOf.set(crashId, queue);
        await h.enqueue(queue, crashId);
      }
    }
    await h.startProcessor(
      { PROCESSOR_CONCURRENCY: '1', PROCESSOR_REPROCESS_SHARE: String(SHARE) },
      { minidump: recorder },
    );
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('takes priority first, gives reprocess a share, and processes everything once', async () => {
    const total = COUNTS.priority + COUNTS.standard + COUNTS.reprocess;
    await eventually(
      'every crash processed',
      async () => (await h.countProcessed()) === total,
      { timeoutMs: 30_000 },
    );
    console.log(`queue order: ${order.join(' ')}`);
    assert.equal(order.length, total, order.join(' '));
    // After the first pick (made before the other queues had arrived),
    // every priority crash comes before any other.
    const rest = order.slice(1);
    const priorityLeft = COUNTS.priority - (order[0] === 'priority' ? 1 : 0);
    assert.deepEqual(
      rest.slice(0, priorityLeft),
      Array.from({ length: priorityLeft }, () => 'priority'),
      order.join(' '),
    );
    // While standard has work, reprocess gets about one pick in SHARE:
    // some, but never most.
    const lastStandard = order.lastIndexOf('standard');
    const whileStandard = order
      .slice(priorityLeft + 1, lastStandard)
      .filter((q) => q === 'reprocess').length;
    assert.ok(whileStandard >= 1, `no reprocess share: ${order.join(' ')}`);
    assert.ok(
      whileStandard <= Math.ceil(COUNTS.standard / (SHARE - 1)) + 1,
      `reprocess took more than its share: ${order.join(' ')}`,
    );
    // The rest of reprocess runs once standard is empty.
    assert.ok(
      order.slice(lastStandard + 1).every((q) => q === 'reprocess'),
      order.join(' '),
    );
    assert.equal(await h.lag(), 0);
  });
});
