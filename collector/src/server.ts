/**
 * Runs the collector: connects to MongoDB and NATS, provisions indexes and
 * the stream, serves HTTP, runs the sweeper, and shuts all of it down in
 * order: stop accepting, finish in-flight uploads, then close connections.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/nats-core';
import type { MongoClient } from 'mongodb';
import {
  closeHttpServer,
  connectMongo,
  connectNatsLogged,
  crashBusNames,
  JetStreamCrashPublisher,
  MongoCrashStorage,
  provisionCrashStreams,
  runShutdownSteps,
  splitSetting,
  type Logger,
  type Registry,
  type ThrottleRule,
  type VersionInfo,
} from '@crashstats/common';
import { createCollectorApp } from './app.js';
import type { CollectorConfig } from './config.js';
import { createCollectorMetrics } from './metrics.js';
import { publishCrashId, type SubmitDeps } from './submit.js';
import { startSweeper, type Sweeper } from './sweeper.js';
import { createThrottler } from './throttle.js';

/** Everything a running collector needs from its composition root. */
export interface CollectorOptions {
  config: CollectorConfig;
  log: Logger;
  registry: Registry;
  version: VersionInfo;
  throttleRules: ThrottleRule[];
  now?: () => Date;
  random?: () => number;
}

/** A started collector. */
export interface RunningCollector {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:8000 */
  url: string;
  sweeper: Sweeper;
  /** Graceful, idempotent shutdown. */
  close(): Promise<void>;
}

/** Connects the dependencies and starts serving. */
export async function startCollector(
  options: CollectorOptions,
): Promise<RunningCollector> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());

  const mongo = await connectMongo({
    url: config.MONGODB_URL,
    timeoutMs: config.MONGODB_TIMEOUT_MS,
    appName: 'crashstats-collector',
  });
  const nc = await connectNatsLogged(
    config.NATS_URL,
    'crashstats-collector',
    log,
  );
  const names = crashBusNames(config.NATS_STREAM, config.NATS_SUBJECT_PREFIX);
  await provisionCrashStreams(nc, names);
  const storage = new MongoCrashStorage(
    mongo,
    mongo.db(config.MONGODB_DATABASE),
    {
      chunkSizeBytes: config.COLLECTOR_DUMP_CHUNK_BYTES,
    },
  );
  await storage.ensureIndexes();
  const publisher = new JetStreamCrashPublisher(
    nc,
    names,
    config.COLLECTOR_PUBLISH_TIMEOUT_MS,
  );
  const metrics = createCollectorMetrics(options.registry);

  let shuttingDown = false;
  const deps: SubmitDeps = {
    storage,
    publisher,
    throttle: createThrottler(options.throttleRules, {
      now,
      random: options.random,
    }),
    metrics,
    log,
    payload: {
      maxBodyBytes: config.COLLECTOR_MAX_BODY_BYTES,
      rejectJsonAndForm:
        config.COLLECTOR_JSON_AND_FORM_ANNOTATIONS === 'reject',
    },
    removedAnnotations: splitSetting(config.COLLECTOR_REMOVED_ANNOTATIONS),
    stageSubmitterToken: config.COLLECTOR_STAGE_SUBMITTER_TOKEN,
    now,
  };
  const app = createCollectorApp({
    ...deps,
    registry: options.registry,
    version: options.version,
    checks: [
      { name: 'storage', check: () => storage.check() },
      { name: 'queue', check: () => publisher.check() },
    ],
    isShuttingDown: () => shuttingDown,
  });
  const sweeper = startSweeper({
    storage,
    publish: (crashId) => publishCrashId(crashId, deps),
    metrics,
    log,
    intervalMs: config.COLLECTOR_SWEEP_INTERVAL_MS,
    graceMs: config.COLLECTOR_SWEEP_GRACE_MS,
    now,
  });

  const handle = app.callback();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  // Uploads from slow clients may take a while; the limit is on size, not time.
  server.requestTimeout = 5 * 60_000;
  server.listen(config.COLLECTOR_PORT, config.COLLECTOR_HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host =
    config.COLLECTOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.COLLECTOR_HOST;
  const url = `http://${host}:${port}`;
  log.info({ url }, 'collector listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= shutdown({
      server,
      sweeper,
      nc,
      mongo,
      log,
      markShuttingDown: () => {
        shuttingDown = true;
      },
    });
    return closing;
  };
  return { server, url, sweeper, close };
}

interface ShutdownParts {
  server: Server;
  sweeper: Sweeper;
  nc: NatsConnection;
  mongo: MongoClient;
  log: Logger;
  markShuttingDown: () => void;
}

/** Stops accepting, lets in-flight uploads finish, then closes connections. */
async function shutdown(parts: ShutdownParts): Promise<void> {
  const { log } = parts;
  parts.markShuttingDown();
  log.info('collector shutting down');
  const steps: [string, () => Promise<void>][] = [
    ['http server', () => closeHttpServer(parts.server)],
    ['sweeper', () => parts.sweeper.stop()],
    ['nats', () => parts.nc.drain()],
    ['mongodb', () => parts.mongo.close()],
  ];
  await runShutdownSteps(log, steps);
  log.info('collector stopped');
}
