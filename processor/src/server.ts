/**
 * Runs the processor: connects MongoDB and NATS, provisions the bus,
 * consumes crash ids, serves the Dockerflow endpoints, and shuts down in
 * order: stop taking work, finish crashes in progress, close connections.
 */
import Koa from 'koa';
import { jetstream } from '@nats-io/jetstream';
import {
  closeHttpServer,
  connectMongo,
  connectNatsLogged,
  crashBusNames,
  dockerflow,
  listenHttp,
  MongoCrashStorage,
  pingMongo,
  ProcessedCrashStorage,
  provisionProcessorConsumers,
  provisionCrashStreams,
  readCrashQueueLag,
  runShutdownSteps,
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

  const nc = await connectNatsLogged(
    config.NATS_URL,
    'crashstats-processor',
    log,
  );
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
  const { server, url } = await listenHttp(
    app.callback(),
    config.PROCESSOR_HOST,
    config.PROCESSOR_PORT,
  );
  log.info(
    { url, concurrency: config.PROCESSOR_CONCURRENCY },
    'processor started',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      log.info('processor shutting down');
      await runShutdownSteps(log, [
        ['consumer', () => consumer.stop()],
        ['http server', () => closeHttpServer(server)],
        ['engines', () => engines?.close?.() ?? Promise.resolve()],
        ['nats', () => nc.drain()],
        ['mongodb', () => mongo.close()],
      ]);
      log.info('processor stopped');
    })();
    return closing;
  };
  return { url, processor, close };
}
