import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  crashBusNames,
  JetStreamCrashPublisher,
  provisionCrashBus,
  readCrashQueueLag,
} from '@crashstats/common';
import { startNats, type NatsServer } from '@crashstats/testkit';

describe('crash bus on a real NATS server', { timeout: 30_000 }, () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  const names = crashBusNames('CRASHES', 'crashes');

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await nc.close();
    await nats[Symbol.asyncDispose]();
  });

  it('provisions the stream, the events stream and the consumer, idempotently', async () => {
    await provisionCrashBus(nc, names);
    await provisionCrashBus(nc, names);
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info('CRASHES');
    assert.deepEqual(stream.config.subjects, [
      'crashes.standard',
      'crashes.priority',
      'crashes.reprocess',
    ]);
    const events = await jsm.streams.info('CRASHES_EVENTS');
    assert.deepEqual(events.config.subjects, ['crashes.events.processed']);
    for (const queue of ['priority', 'standard', 'reprocess']) {
      const consumer = await jsm.consumers.info(
        'CRASHES',
        `processor-${queue}`,
      );
      assert.equal(consumer.config.filter_subject, `crashes.${queue}`);
      assert.equal(consumer.config.max_deliver, -1);
    }
  });

  it('drops a repeated publish of the same crash id', async () => {
    await provisionCrashBus(nc, names);
    const publisher = new JetStreamCrashPublisher(nc, names, 2000);
    const id = 'de1bb258-cbbf-4589-a673-34f800160918';
    const first = await publisher.publishCrashId(id);
    const second = await publisher.publishCrashId(id);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.equal(second.seq, first.seq);
    assert.equal(await readCrashQueueLag(nc, names), 1);
    await publisher.check();
  });
});
