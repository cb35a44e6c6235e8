/**
 * Feeds crash ids from the three JetStream queues to a pool of workers:
 * priority first, standard next, and reprocess with a small share while
 * standard has work. A message is acknowledged only after its processed
 * crash is stored; a failure is retried with backoff, and after the last
 * allowed delivery the crash is stored as failed instead.
 */
import {
  jetstream,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  CRASH_QUEUES,
  isValidCrashId,
  type CrashBusNames,
  type CrashQueue,
  type Logger,
} from '@crashstats/common';
import type { ProcessorMetrics } from './metrics.js';
import type { CrashProcessor } from './processor.js';

/** Settings of the consumer. */
export interface CrashConsumerOptions {
  nc: NatsConnection;
  names: CrashBusNames;
  processor: CrashProcessor;
  log: Logger;
  metrics: ProcessorMetrics;
  concurrency: number;
  /** One pick in this many goes to reprocess while standard has work. */
  reprocessShare: number;
  /** Deliveries before a crash is stored as failed. */
  maxDeliver: number;
}

/** A task from the queue: `<crash id>` or `<crash id>:<ruleset>`. */
export interface CrashTask {
  crashId: string;
  ruleset: string;
}

/** Parses a queue message; undefined for messages to drop (`test`, junk). */
export function parseCrashTask(data: string): CrashTask | undefined {
  const [crashId = '', ruleset = 'default', ...rest] = data.trim().split(':');
  if (
    rest.length > 0 ||
    !isValidCrashId(crashId) ||
    !/^[a-z_]+$/.test(ruleset)
  ) {
    return undefined;
  }
  return { crashId, ruleset };
}

/** Pulls crash ids and processes them until stopped. */
export class CrashConsumer {
  private readonly buffers: Record<CrashQueue, JsMsg[]> = {
    priority: [],
    standard: [],
    reprocess: [],
  };
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly readers: Promise<void>[] = [];
  private workers: Promise<void>[] = [];
  private wake: (() => void)[] = [];
  private room: (() => void)[] = [];
  private picks = 0;
  private stopped = false;

  constructor(private readonly options: CrashConsumerOptions) {}

  /** Starts reading the three queues and the worker pool. */
  async start(): Promise<void> {
    const { nc, names, concurrency } = this.options;
    const js = jetstream(nc);
    for (const queue of CRASH_QUEUES) {
      const consumer = await js.consumers.get(
        names.stream,
        names.processorConsumers[queue],
      );
      const messages = await consumer.consume({ max_messages: concurrency });
      this.subscriptions.push(messages);
      this.readers.push(this.read(queue, messages));
    }
    this.workers = Array.from({ length: concurrency }, () => this.work());
  }

  /** Stops taking work, finishes crashes in progress, returns the rest. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const messages of this.subscriptions) {
      await messages.close();
    }
    this.notifyAll();
    await Promise.all(this.workers);
    for (const queue of CRASH_QUEUES) {
      for (const msg of this.buffers[queue].splice(0)) {
        msg.nak();
      }
    }
    await Promise.allSettled(this.readers);
  }

  private async read(
    queue: CrashQueue,
    messages: ConsumerMessages,
  ): Promise<void> {
    const buffer = this.buffers[queue];
    for await (const msg of messages) {
      if (this.stopped) {
        msg.nak();
        continue;
      }
      buffer.push(msg);
      this.notifyOne();
      while (buffer.length >= this.options.concurrency && !this.stopped) {
        await new Promise<void>((resolve) => this.room.push(resolve));
      }
    }
  }

  private pick(): { queue: CrashQueue; msg: JsMsg } | undefined {
    const { priority, standard, reprocess } = this.buffers;
    this.picks += 1;
    const reprocessTurn = this.picks % this.options.reprocessShare === 0;
    let queue: CrashQueue | undefined;
    if (priority.length > 0) {
      queue = 'priority';
    } else if (
      reprocess.length > 0 &&
      (reprocessTurn || standard.length === 0)
    ) {
      queue = 'reprocess';
    } else if (standard.length > 0) {
      queue = 'standard';
    }
    if (!queue) {
      return undefined;
    }
    const msg = this.buffers[queue].shift()!;
    this.room.splice(0).forEach((resolve) => resolve());
    return { queue, msg };
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const next = this.pick();
      if (!next) {
        await new Promise<void>((resolve) => this.wake.push(resolve));
        continue;
      }
      await this.handle(next.queue, next.msg);
    }
  }

  private async handle(queue: CrashQueue, msg: JsMsg): Promise<void> {
    const { processor, log, metrics, maxDeliver } = this.options;
    const task = parseCrashTask(msg.string());
    if (!task) {
      // Antenna-style `test` messages and anything unparseable.
      msg.term('not a crash id');
      return;
    }
    metrics.inFlight.inc();
    try {
      const outcome = await processor.process(task.crashId, task.ruleset);
      metrics.crashes.inc({ queue, ruleset: task.ruleset, outcome });
      msg.ack();
    } catch (err) {
      const deliveries = msg.info.deliveryCount;
      if (deliveries >= maxDeliver) {
        log.error(
          { crashId: task.crashId, err, deliveries },
          'crash failed on its last delivery',
        );
        await processor
          .recordFailure(task.crashId, err, deliveries)
          .catch((saveErr: unknown) => {
            log.error(
              { crashId: task.crashId, err: saveErr },
              'failure could not be recorded',
            );
          });
        metrics.crashes.inc({
          queue,
          ruleset: task.ruleset,
          outcome: 'failed',
        });
        msg.term('failed on its last delivery');
      } else {
        log.warn(
          { crashId: task.crashId, err, deliveries },
          'crash failed; will retry',
        );
        metrics.crashes.inc({
          queue,
          ruleset: task.ruleset,
          outcome: 'retried',
        });
        msg.nak(Math.min(1000 * 2 ** deliveries, 60_000));
      }
    } finally {
      metrics.inFlight.dec();
    }
  }

  private notifyOne(): void {
    this.wake.shift()?.();
  }

  private notifyAll(): void {
    this.wake.splice(0).forEach((resolve) => resolve());
    this.room.splice(0).forEach((resolve) => resolve());
  }
}
