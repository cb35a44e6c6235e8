import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from '../src/work-queue.js';

describe('WorkQueue', () => {
  it('hands out a key added several times once', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.take(), 'a');
    assert.equal(await q.take(), 'b');
    assert.equal(q.length, 0);
  });

  it('does not give a key to two workers; one added while processing comes back after', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.take();
    assert.equal(key, 'a');
    q.add('a');
    assert.equal(q.length, 0, 'not queued while processing');
    q.done('a');
    assert.equal(q.length, 1);
    assert.equal(await q.take(), 'a');
  });

  it('wakes a waiting worker', async () => {
    const q = new WorkQueue();
    const taken = q.take();
    q.add('x');
    assert.equal(await taken, 'x');
  });

  it('retries with a growing delay per key until forgotten', async () => {
    const q = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 70 });
    assert.deepEqual(
      [q.retry('a'), q.retry('a'), q.retry('a'), q.retry('a')],
      [20, 40, 70, 70],
    );
    q.forget('a');
    assert.equal(q.retry('b'), 20);
    await sleep(40);
    // One timer per key: a and b each come back once.
    assert.deepEqual([await q.take(), await q.take()].sort(), ['a', 'b']);
    q.forget('a');
    assert.equal(q.retry('a'), 20);
    q.close();
  });

  it('holds the retries of all keys together to a rate, after a burst', () => {
    let now = 1_000_000;
    const q = new WorkQueue({
      baseDelayMs: 1,
      retriesPerSecond: 10,
      retryBurst: 2,
      now: () => now,
    });
    // Two go at their own delay; each one after waits another 100 ms.
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e'].map((key) => q.retry(key)),
      [1, 1, 100, 200, 300],
    );
    // A key already waiting for its retry takes no second token.
    assert.equal(q.retry('e'), 2);
    // Time earns tokens back: a second later the debt is paid and the
    // bucket is full again.
    now += 1000;
    q.forget('a');
    assert.equal(q.retry('a'), 1);
    q.close();
  });

  it('answers undefined to workers once closed', async () => {
    const q = new WorkQueue();
    const waiting = q.take();
    q.close();
    assert.equal(await waiting, undefined);
    q.add('late');
    assert.equal(await q.take(), undefined);
  });
});
