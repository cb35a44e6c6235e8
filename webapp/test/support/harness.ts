/**
 * Test harness of the web app: real NATS, Redis and MongoDB-wire servers,
 * the web app started in this process on a free port, users and tokens,
 * crashes stored the way the collector and the processor store them, and
 * a reader of the reprocess and priority queues.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AckPolicy,
  jetstream,
  jetstreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { MongoClient, type Db } from 'mongodb';
import {
  createCrashId,
  createLogger,
  createMetricsRegistry,
  crashBusNames,
  MongoCrashStorage,
  ProcessedCrashStorage,
  type CrashBusNames,
  type CrashId,
  type ProcessedCrashDocument,
  type RawCrash,
} from '@crashstats/common';
import {
  mongoDatabaseName,
  startServices,
  type Services,
} from '@crashstats/testkit';
import { AccessStore } from '../../src/auth/tokens.js';
import type { Permission } from '../../src/auth/permissions.js';
import { loadWebappConfig } from '../../src/config.js';
import { startWebapp, type RunningWebapp } from '../../src/server.js';

/** An answer of the API, with its body parsed when it is JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface WebappHarness extends AsyncDisposable {
  services: Services<{ nats: true; redis: true; mongo: true }>;
  webapp: RunningWebapp;
  url: string;
  db: Db;
  nc: NatsConnection;
  names: CrashBusNames;
  access: AccessStore;
  /** Settings the web app was started with. */
  env: Record<string, string>;
  /** A user with these permissions and a token of theirs; returns the token. */
  tokenWith(
    permissions: readonly Permission[],
    options?: { admin?: boolean },
  ): Promise<string>;
  /** Stores a raw crash as the collector does; returns its id. */
  storeRawCrash(
    annotations: RawCrash,
    dumps?: Record<string, Buffer>,
    submitted?: Date,
  ): Promise<CrashId>;
  /** Stores a processed crash as the processor does. */
  storeProcessed(
    crash: Omit<ProcessedCrashDocument, '_id'> & { uuid: CrashId },
  ): Promise<void>;
  /** GET or POST an API path (query string or form/JSON body). */
  call(
    path: string,
    options?: {
      token?: string;
      method?: 'GET' | 'POST' | 'PUT';
      form?: Record<string, string | string[]>;
      json?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<Answer>;
  /** Messages on a queue subject so far (payload and message id), acknowledged. */
  drainQueue(
    queue: 'priority' | 'reprocess',
  ): Promise<{ payload: string; msgId: string | undefined }[]>;
}

export async function startWebappHarness(
  settings: Record<string, string> = {},
): Promise<WebappHarness> {
  const services = await startServices({
    nats: true,
    redis: true,
    mongo: true,
  });
  const database = mongoDatabaseName('webapp');
  const stream = `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const names = crashBusNames(stream, prefix);
  const env: Record<string, string> = {
    MONGODB_URL: services.mongo.url,
    MONGODB_DATABASE: database,
    NATS_URL: services.nats.url,
    NATS_STREAM: stream,
    NATS_SUBJECT_PREFIX: prefix,
    REDIS_URL: services.redis.url,
    WEBAPP_HOST: '127.0.0.1',
    WEBAPP_PORT: '0',
    LOG_LEVEL: 'silent',
    ...settings,
  };
  const config = loadWebappConfig(env);
  const log = createLogger({
    service: 'webapp',
    version: 'test',
    level: config.LOG_LEVEL,
  });
  const webapp = await startWebapp({
    config,
    log,
    registry: createMetricsRegistry('webapp'),
    version: { commit: 'test', version: 'test', source: 'test', build: 'test' },
  });
  const client = new MongoClient(services.mongo.url);
  const db = client.db(database);
  const nc = await connect({ servers: services.nats.url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const rawStorage = new MongoCrashStorage(client, db);
  const processedStorage = new ProcessedCrashStorage(db);
  const access = new AccessStore(db);
  let users = 0;

  return {
    services,
    webapp,
    url: webapp.url,
    db,
    nc,
    names,
    access,
    env,
    async tokenWith(permissions, options = {}) {
      users += 1;
      const user = `user${users}-${randomBytes(3).toString('hex')}`;
      await access.upsertUser(user, {
        permissions: [...permissions],
        isAdmin: options.admin === true,
      });
      return (await access.createToken({ user, permissions: [...permissions] }))
        .token;
    },
    async storeRawCrash(annotations, dumps = {}, submitted = new Date()) {
      const crashId = createCrashId(submitted, 0, randomUUID);
      const stored = [];
      for (const [name, bytes] of Object.entries(dumps)) {
        stored.push(await rawStorage.saveDump(name, Readable.from([bytes])));
      }
      await rawStorage.saveRawCrash({
        _id: crashId,
        raw_crash: {
          ...annotations,
          uuid: crashId,
          submitted_timestamp: submitted
            .toISOString()
            .replace('Z', '000+00:00'),
          version: 2,
        },
        dumps: stored,
        queued: true,
        stored_at: submitted,
      });
      return crashId;
    },
    async storeProcessed(crash) {
      await processedStorage.save({ ...crash, _id: crash.uuid });
    },
    async call(path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token !== undefined) {
        headers['Auth-Token'] = options.token;
      }
      let body: string | undefined;
      if (options.form !== undefined) {
        const form = new URLSearchParams();
        for (const [key, value] of Object.entries(options.form)) {
          for (const v of Array.isArray(value) ? value : [value]) {
            form.append(key, v);
          }
        }
        body = form.toString();
        headers['Content-Type'] = 'application/x-www-form-urlencoded';
      } else if (options.json !== undefined) {
        body = JSON.stringify(options.json);
        headers['Content-Type'] = 'application/json';
      }
      const res = await fetch(`${webapp.url}${path}`, {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async drainQueue(queue) {
      const durable = `drain_${queue}`;
      await jsm.consumers
        .add(stream, {
          durable_name: durable,
          filter_subject: names.subjects[queue],
          ack_policy: AckPolicy.Explicit,
        })
        .catch(() => undefined);
      const consumer = await js.consumers.get(stream, durable);
      const out: { payload: string; msgId: string | undefined }[] = [];
      for (;;) {
        const batch = await consumer.fetch({
          max_messages: 100,
          expires: 1000,
        });
        let got = 0;
        for await (const msg of batch as AsyncIterable<JsMsg>) {
          got += 1;
          out.push({
            payload: msg.string(),
            msgId: msg.headers?.get('Nats-Msg-Id') || undefined,
          });
          msg.ack();
        }
        if (got === 0) {
          return out;
        }
      }
    },
    async [Symbol.asyncDispose]() {
      await webapp.close();
      await nc.close();
      await client.close();
      await services[Symbol.asyncDispose]();
    },
  };
}
