/**
 * Runs the web app: connects MongoDB, NATS and Redis, creates indexes and
 * the first administrator, serves HTTP, and shuts down in order: stop
 * accepting, finish requests in flight, then close connections.
 */
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';

import {
  closeHttpServer,
  connectMongo,
  connectNatsLogged,
  crashBusNames,
  listenHttp,
  MongoCrashStorage,
  ProcessedCrashStorage,
  provisionCrashStreams,
  publishToQueue,
  runShutdownSteps,
  type Logger,
  type Registry,
  type VersionInfo,
} from '@crashstats/common';
import type { ApiDeps } from './api/deps.js';
import { createWebappApp } from './app.js';
import { accessControl } from './auth/middleware.js';
import { createRateLimitRedis, RedisRateLimiter } from './auth/rate-limit.js';
import { AccessStore } from './auth/tokens.js';
import type { WebappConfig } from './config.js';
import { createEndpoints } from './endpoints.js';
import { createWebappMetrics } from './metrics.js';
import { openApiDocument, serveOpenApi } from './openapi.js';

/** What main.ts (or a test) hands the web app. */
export interface WebappOptions {
  config: WebappConfig;
  log: Logger;
  registry: Registry;
  version: VersionInfo;
  now?: () => Date;
}

/** A started web app. */
export interface RunningWebapp {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Graceful, idempotent shutdown. */
  close(): Promise<void>;
}

/** Connects the dependencies and starts serving. */
export async function startWebapp(
  options: WebappOptions,
): Promise<RunningWebapp> {
  const { config, log } = options;
  const now = options.now ?? (() => new Date());
  const mongo = await connectMongo({
    url: config.MONGODB_URL,
    timeoutMs: config.MONGODB_TIMEOUT_MS,
    appName: 'crashstats-webapp',
  });
  const db = mongo.db(config.MONGODB_DATABASE);
  const nc = await connectNatsLogged(config.NATS_URL, 'crashstats-webapp', log);
  const names = crashBusNames(config.NATS_STREAM, config.NATS_SUBJECT_PREFIX);
  await provisionCrashStreams(nc, names);
  const js = jetstream(nc);
  const redis = createRateLimitRedis(config.REDIS_URL, log);

  const rawCrashes = new MongoCrashStorage(mongo, db);
  const processedCrashes = new ProcessedCrashStorage(db);
  const access = new AccessStore(db, {
    now,
    tokenDays: config.WEBAPP_TOKEN_DAYS,
  });
  await Promise.all([
    rawCrashes.ensureIndexes(),
    processedCrashes.ensureIndexes(),
    access.ensureIndexes(),
  ]);
  await access.ensureAdmin(
    config.WEBAPP_ADMIN_USER,
    config.WEBAPP_ADMIN_TOKEN_SECRET,
  );

  const deps: ApiDeps = {
    db,
    rawCrashes,
    processedCrashes,
    access,
    queues: {
      async publish(queue, payload, msgId) {
        await publishToQueue(js, names, queue, payload, msgId);
      },
    },
    redis,
    config,
    log,
    now,
    sleep: (ms) => sleep(ms),
  };
  const endpoints = createEndpoints(deps);
  let shuttingDown = false;
  const app = createWebappApp({
    log,
    registry: options.registry,
    metrics: createWebappMetrics(options.registry),
    version: options.version,
    checks: [
      { name: 'storage', check: () => rawCrashes.check() },
      {
        name: 'queue',
        check: async () => {
          await nc.flush();
        },
      },
      {
        name: 'redis',
        check: async () => {
          await redis.ping();
        },
      },
    ],
    isShuttingDown: () => shuttingDown,
    trustProxy: config.WEBAPP_TRUST_PROXY,
    access: accessControl({
      store: access,
      limiter: new RedisRateLimiter({ redis, now }),
      config,
      log,
    }),
    endpoints,
    extra: [serveOpenApi(openApiDocument(endpoints, options.version.version))],
  });

  const { server, url } = await listenHttp(
    app.callback(),
    config.WEBAPP_HOST,
    config.WEBAPP_PORT,
  );
  log.info({ url }, 'webapp listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      shuttingDown = true;
      log.info('webapp shutting down');
      await runShutdownSteps(log, [
        ['http server', () => closeHttpServer(server)],
        ['nats', () => nc.drain()],
        ['redis', () => quitRedis(redis)],
        ['mongodb', () => mongo.close()],
      ]);
      log.info('webapp stopped');
    })();
    return closing;
  };
  return { server, url, close };
}

async function quitRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
