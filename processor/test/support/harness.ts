/**
 * Test harness: real NATS and MongoDB-wire servers, raw crashes stored the
 * way the collector stores them, and the processor running in this process
 * or as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import {
  Collections,
  createCrashId,
  createLogger,
  createMetricsRegistry,
  crashBusNames,
  loadConfig,
  MongoCrashStorage,
  provisionCrashBus,
  publishToQueue,
  readCrashQueueLag,
  type CrashBusNames,
  type CrashQueue,
  type ProcessedCrashDocument,
  type RawCrash,
  type Registry,
} from '@crashstats/common';
import {
  mongoDatabaseName,
  startServices,
  type MongoServer,
  type NatsServer,
} from '@crashstats/testkit';
import { processorConfigSchema } from '../../src/config.js';
import { createEngineRules } from '../../src/engines.js';
import type { EngineRules } from '../../src/ruleset.js';
import { startProcessor, type RunningProcessor } from '../../src/server.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Servers, a database and a stream of one's own. */
export interface Harness extends AsyncDisposable {
  nats: NatsServer;
  mongo: MongoServer;
  names: CrashBusNames;
  env: Record<string, string>;
  db: Db;
  nc: NatsConnection;
  /** Stores a raw crash (and dumps) as the collector would. */
  storeCrash(
    annotations: RawCrash,
    dumps?: Record<string, Buffer>,
  ): Promise<string>;
  enqueue(queue: CrashQueue, payload: string): Promise<void>;
  processed(crashId: string): Promise<ProcessedCrashDocument | null>;
  countProcessed(): Promise<number>;
  lag(): Promise<number>;
  /**
   * Starts a processor in this process, with the given engine rules or,
   * with `'configured'`, the real ones built from the settings.
   */
  startProcessor(
    settings?: Record<string, string>,
    engines?: EngineRules | 'configured',
  ): Promise<RunningProcessor & { registry: Registry }>;
  /** Starts `processor/src/main.ts` as a child process. */
  spawnProcessor(settings?: Record<string, string>): ChildProcess;
}

export async function startHarness(): Promise<Harness> {
  const services = await startServices({ nats: true, mongo: true });
  const database = mongoDatabaseName('processor');
  const stream = `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const names = crashBusNames(stream, prefix);
  const client = new MongoClient(services.mongo.url);
  const db = client.db(database);
  const nc = await connect({ servers: services.nats.url });
  await provisionCrashBus(nc, names);
  const js = jetstream(nc);
  const storage = new MongoCrashStorage(client, db);
  const running: { close(): Promise<void> }[] = [];
  const children: ChildProcess[] = [];
  const env: Record<string, string> = {
    MONGODB_URL: services.mongo.url,
    MONGODB_DATABASE: database,
    NATS_URL: services.nats.url,
    NATS_STREAM: stream,
    NATS_SUBJECT_PREFIX: prefix,
    PROCESSOR_HOST: '127.0.0.1',
    PROCESSOR_PORT: '0',
  };

  return {
    nats: services.nats,
    mongo: services.mongo,
    names,
    env,
    db,
    nc,
    async storeCrash(annotations, dumps = {}) {
      const crashId = createCrashId(new Date(), 0, randomUUID);
      const stored = [];
      for (const [name, bytes] of Object.entries(dumps)) {
        stored.push(await storage.saveDump(name, Readable.from([bytes])));
      }
      await storage.saveRawCrash({
        _id: crashId,
        raw_crash: {
          ...annotations,
          uuid: crashId,
          submitted_timestamp: new Date()
            .toISOString()
            .replace('Z', '000+00:00'),
          version: 2,
        },
        dumps: stored,
        queued: true,
        stored_at: new Date(),
      });
      return crashId;
    },
    async enqueue(queue, payload) {
      await publishToQueue(js, names, queue, payload);
    },
    processed: (crashId) =>
      db
        .collection<ProcessedCrashDocument>(Collections.processedCrashes)
        .findOne({ _id: crashId }),
    countProcessed: () =>
      db.collection(Collections.processedCrashes).countDocuments(),
    lag: () => readCrashQueueLag(nc, names),
    async startProcessor(settings = {}, engines = {}) {
      const registry = createMetricsRegistry('processor');
      const config = loadConfig(processorConfigSchema, {
        ...env,
        ...settings,
      });
      const processor = await startProcessor({
        config,
        log: createLogger({
          service: 'processor',
          version: 'test',
          level: process.env.TEST_LOG_LEVEL ?? 'silent',
        }),
        registry,
        version: {
          commit: 'test',
          version: '0.0.0',
          source: 'test',
          build: 'test',
        },
        engines: (metrics) =>
          engines === 'configured'
            ? createEngineRules(config, metrics)
            : engines,
      });
      running.push(processor);
      return Object.assign(processor, { registry });
    },
    spawnProcessor(settings = {}) {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'processor/src/main.ts'],
        {
          cwd: repoRoot,
          env: { ...process.env, ...env, LOG_LEVEL: 'warn', ...settings },
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      );
      children.push(child);
      return child;
    },
    async [Symbol.asyncDispose]() {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
        }
      }
      for (const p of running) {
        await p.close();
      }
      await nc.close();
      await client.close();
      await services[Symbol.asyncDispose]();
    },
  };
}

export { jetstreamManager };
