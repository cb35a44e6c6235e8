/**
 * Runs the processor: connects MongoDB and NATS, provisions the bus,
 * consumes crash ids, serves the Dockerflow endpoints, and shuts down in
 * order: stop taking work, finish crashes in progress, close connections.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  connectMongo,
  crashBusNames,
  dockerflow,
  MongoCrashStorage,
  pingMongo,
  ProcessedCrashStorage,
  provisionProcessorConsumers,
  provisionCrashStreams,
  readCrashQueueLag,
  type Logger,
  type Registry,
  type VersionInfo,
} from '@crashstats/common';
import type { ProcessorConfig } from './config.js';
import { CrashConsumer } from './consumer.js';
import { createProcessorMetrics, type ProcessorMetrics } from './metrics.js';
import { CrashProcessor } from './processor.js';
import { createRulesets, type EngineRules } from './ruleset.js';

/** What a running processor needs from its composition root. */
export interface ProcessorOptions {
  config: ProcessorConfig;
  log: Logger;
  registry: Registry;
  version: VersionInfo;
  /** Builds the engine rules once metrics exist. */
  engines?: (metrics: ProcessorMetrics) => EngineRules | Promise<EngineRules>;
  now?: () => Date;
}

/** A started processor. */
export interface RunningProcessor {
  url: string;
  processor: CrashProcessor;
  close(): Promise<void>;
}

/** Connects the dependencies, starts consuming and serving. */
export async function startProcessor(
  options: ProcessorOptions,
): Promise<RunningProcessor> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const metrics = createProcessorMetrics(options.registry);

  const mongo = await connectMongo({
    url: config.MONGODB_URL,
    timeoutMs: config.MONGODB_TIMEOUT_MS,
    appName: 'crashstats-processor',
  });
  const db = mongo.db(config.MONGODB_DATABASE);
  const rawStorage = new MongoCrashStorage(mongo, db);
  const processedStorage = new ProcessedCrashStorage(db);
  await processedStorage.ensureIndexes();

  const nc = await connect({
    servers: config.NATS_URL.split(',').map((s) => s.trim()),
    name: 'crashstats-processor',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  const names = crashBusNames(config.NATS_STREAM, config.NATS_SUBJECT_PREFIX);
  await provisionCrashStreams(nc, names);
  await provisionProcessorConsumers(nc, names, {
    ackWaitMs: config.PROCESSOR_ACK_WAIT_MS,
  });
  const js = jetstream(nc);

  const engines = await options.engines?.(metrics);
  const processor = new CrashProcessor({
    rawStorage,
    processedStorage,
    rulesets: createRulesets(engines),
    publishEvent: async (crashId, signature) => {
      await js.publish(
        names.subjects.processed,
        JSON.stringify({ crashId, signature }),
      );
    },
    log,
    metrics,
    now,
    timeoutMs: config.PROCESSOR_CRASH_TIMEOUT_MS,
  });
  const consumer = new CrashConsumer({
    nc,
    names,
    processor,
    log,
    metrics,
    concurrency: config.PROCESSOR_CONCURRENCY,
    reprocessShare: config.PROCESSOR_REPROCESS_SHARE,
    maxDeliver: config.PROCESSOR_MAX_DELIVER,
  });
  await consumer.start();

  let shuttingDown = false;
  const app = new Koa();
  app.use(
    dockerflow({
      version: options.version,
      registry: options.registry,
      isShuttingDown: () => shuttingDown,
      checks: [
        { name: 'storage', check: () => pingMongo(mongo) },
        {
          name: 'queue',
          check: () => readCrashQueueLag(nc, names).then(() => undefined),
        },
      ],
    }),
  );
  const handle = app.callback();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.listen(config.PROCESSOR_PORT, config.PROCESSOR_HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host =
    config.PROCESSOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.PROCESSOR_HOST;
  const url = `http://${host}:${port}`;
  log.info(
    { url, concurrency: config.PROCESSOR_CONCURRENCY },
    'processor started',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      await shutdown(log, [
        ['consumer', () => consumer.stop()],
        ['http server', () => closeServer(server)],
        ['engines', () => engines?.close?.() ?? Promise.resolve()],
        ['nats', () => nc.drain()],
        ['mongodb', () => mongo.close()],
      ]);
    })();
    return closing;
  };
  return { url, processor, close };
}

async function shutdown(
  log: Logger,
  steps: [string, () => Promise<void>][],
): Promise<void> {
  log.info('processor shutting down');
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      log.error({ err, step: name }, 'shutdown step failed');
    }
  }
  log.info('processor stopped');
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
