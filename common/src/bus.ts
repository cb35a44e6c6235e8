/**
 * The crash bus on NATS JetStream. One stream holds crash ids to process on
 * three subjects: standard (new crashes from the collector), priority
 * (someone asked for a crash that is not processed yet) and reprocess.
 * Processed-crash events go to a second, short-lived stream.
 */
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { CrashId } from './crash-id.js';

/** Where crash ids and events are published. */
export interface CrashSubjects {
  standard: string;
  priority: string;
  reprocess: string;
  /** One message per processed crash, for live views. */
  processed: string;
}

/**
 * The three processing queues, in the order the processor serves them:
 * someone is waiting for a priority crash; reprocessing gets a small share.
 */
export const CRASH_QUEUES = ['priority', 'standard', 'reprocess'] as const;
export type CrashQueue = (typeof CRASH_QUEUES)[number];

/** Names of the stream, the events stream and the processor's consumers. */
export interface CrashBusNames {
  stream: string;
  eventsStream: string;
  /** One durable consumer per queue, so the processor can serve by priority. */
  processorConsumers: Record<CrashQueue, string>;
  subjects: CrashSubjects;
}

/** Builds the bus names from the configured stream and subject prefix. */
export function crashBusNames(stream: string, prefix: string): CrashBusNames {
  return {
    stream,
    eventsStream: `${stream}_EVENTS`,
    processorConsumers: {
      priority: 'processor-priority',
      standard: 'processor-standard',
      reprocess: 'processor-reprocess',
    },
    subjects: {
      standard: `${prefix}.standard`,
      priority: `${prefix}.priority`,
      reprocess: `${prefix}.reprocess`,
      processed: `${prefix}.events.processed`,
    },
  };
}

/** Tunables of the provisioned streams. */
export interface CrashBusOptions {
  /** How long JetStream remembers a message id to drop repeats. */
  duplicateWindowMs?: number;
  /** How long crash ids stay on the stream. */
  maxAgeMs?: number;
}

/** Tunables of the processor's consumers. */
export interface ConsumerOptions {
  /**
   * Deliveries of one message before the server stops redelivering it.
   * Unlimited by default: the processor itself stores a crash as failed
   * after its own limit, which needs that last delivery to arrive.
   */
  maxDeliver?: number;
  /** How long a processor may hold a message before it is redelivered. */
  ackWaitMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates or updates the crash stream and the events stream. Safe to run at
 * every start of every component.
 */
export async function provisionCrashStreams(
  nc: NatsConnection,
  names: CrashBusNames,
  options: CrashBusOptions = {},
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const { subjects } = names;
  await upsertStream(jsm, {
    name: names.stream,
    subjects: [subjects.standard, subjects.priority, subjects.reprocess],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(options.maxAgeMs ?? 7 * DAY_MS),
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60 * 1000),
  });
  await upsertStream(jsm, {
    name: names.eventsStream,
    subjects: [subjects.processed],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(DAY_MS),
  });
}

/**
 * Creates or updates the processor's durable consumers, one per queue. Only
 * the processor calls this, so their settings have one owner.
 */
export async function provisionProcessorConsumers(
  nc: NatsConnection,
  names: CrashBusNames,
  options: ConsumerOptions = {},
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const queue of CRASH_QUEUES) {
    const durable = names.processorConsumers[queue];
    const editable = {
      max_deliver: options.maxDeliver ?? -1,
      ack_wait: nanos(options.ackWaitMs ?? 5 * 60 * 1000),
    };
    try {
      await jsm.consumers.info(names.stream, durable);
    } catch (err) {
      if (!isApiError(err, JetStreamApiCodes.ConsumerNotFound)) {
        throw err;
      }
      await jsm.consumers.add(names.stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: names.subjects[queue],
        ...editable,
      });
      continue;
    }
    await jsm.consumers.update(names.stream, durable, editable);
  }
}

function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}

/** Streams and consumers together: what a test or a local run needs. */
export async function provisionCrashBus(
  nc: NatsConnection,
  names: CrashBusNames,
  options: CrashBusOptions & ConsumerOptions = {},
): Promise<void> {
  await provisionCrashStreams(nc, names, options);
  await provisionProcessorConsumers(nc, names, options);
}

/**
 * The processing backlog: messages not yet delivered plus delivered but
 * unacknowledged, over the three processor consumers. The operator sizes
 * the processor fleet from it.
 */
export async function readCrashQueueLag(
  nc: NatsConnection,
  names: CrashBusNames,
): Promise<number> {
  const jsm = await jetstreamManager(nc);
  let lag = 0;
  for (const queue of CRASH_QUEUES) {
    const info = await jsm.consumers.info(
      names.stream,
      names.processorConsumers[queue],
    );
    lag += info.num_pending + info.num_ack_pending;
  }
  return lag;
}

async function upsertStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (isApiError(err, JetStreamApiCodes.StreamNotFound)) {
      await jsm.streams.add(config);
      return;
    }
    throw err;
  }
  await jsm.streams.update(config.name, config);
}

/** Result of publishing one crash id. */
export interface PublishResult {
  /** True when JetStream had already seen this message id and dropped it. */
  duplicate: boolean;
  seq: number;
}

/** Publishes a crash id to one of the processing queues. */
export async function publishToQueue(
  js: JetStreamClient,
  names: CrashBusNames,
  queue: CrashQueue,
  payload: string,
  msgID?: string,
): Promise<PublishResult> {
  const ack = await js.publish(names.subjects[queue], payload, {
    ...(msgID === undefined ? {} : { msgID }),
  });
  return { duplicate: ack.duplicate, seq: ack.seq };
}

/** Publishes crash ids to the stream. */
export interface CrashPublisher {
  publishCrashId(crashId: CrashId): Promise<PublishResult>;
  /** Throws unless the stream is reachable. */
  check(): Promise<void>;
}

/**
 * {@link CrashPublisher} on JetStream. The crash id is also the message id,
 * so a repeated publish of the same new crash is dropped by the server.
 */
export class JetStreamCrashPublisher implements CrashPublisher {
  private readonly js: JetStreamClient;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: CrashBusNames,
    private readonly timeoutMs: number,
  ) {
    this.js = jetstream(nc, { timeout: timeoutMs });
  }

  async publishCrashId(crashId: CrashId): Promise<PublishResult> {
    const ack = await this.js.publish(this.names.subjects.standard, crashId, {
      msgID: crashId,
      timeout: this.timeoutMs,
    });
    return { duplicate: ack.duplicate, seq: ack.seq };
  }

  async check(): Promise<void> {
    if (this.nc.isClosed()) {
      throw new Error('NATS connection is closed');
    }
    const jsm = await jetstreamManager(this.nc, { timeout: this.timeoutMs });
    await jsm.streams.info(this.names.stream);
  }
}
