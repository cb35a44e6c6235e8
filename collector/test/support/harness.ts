/**
 * Test harness: a collector running in this process against real NATS and
 * MongoDB-wire servers from testkit, plus helpers to build multipart bodies,
 * submit them over real HTTP and read back what was stored and queued.
 */
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { GridFSBucket, MongoClient, type ObjectId } from 'mongodb';
import {
  Collections,
  createMetricsRegistry,
  crashBusNames,
  createLogger,
  loadConfig,
  type CrashBusNames,
  type RawCrashDocument,
  type Registry,
} from '@crashstats/common';
import {
  mongoDatabaseName,
  startServices,
  type MongoServer,
  type NatsServer,
} from '@crashstats/testkit';
import { collectorConfigSchema, loadThrottleRules } from '../../src/config.js';
import { startCollector, type RunningCollector } from '../../src/server.js';

/** A running collector with its servers and inspection helpers. */
export interface Harness extends AsyncDisposable {
  collector: RunningCollector;
  url: string;
  nats: NatsServer;
  mongo: MongoServer;
  registry: Registry;
  names: CrashBusNames;
  /** Starts a fresh collector with other settings on the same servers. */
  restart(settings?: Record<string, string>): Promise<void>;
  rawCrash(crashId: string): Promise<RawCrashDocument | null>;
  markUnqueued(crashId: string): Promise<void>;
  dumpBytes(fileId: ObjectId): Promise<Buffer>;
  countDumpFiles(): Promise<number>;
  countRawCrashes(): Promise<number>;
  /** Crash ids on the standard subject, in stream order. */
  queuedCrashIds(): Promise<string[]>;
}

export interface HarnessOptions {
  settings?: Record<string, string>;
  random?: () => number;
}

/** Starts NATS, MongoDB and a collector; dispose to stop them all. */
export async function startHarness(
  options: HarnessOptions = {},
): Promise<Harness> {
  const services = await startServices({ nats: true, mongo: true });
  const database = mongoDatabaseName('collector');
  const stream = `T${randomBytes(4).toString('hex').toUpperCase()}`;
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const names = crashBusNames(stream, prefix);
  const mongoClient = new MongoClient(services.mongo.url);
  let nc: NatsConnection | undefined;
  let registry = createMetricsRegistry('collector');

  const launch = async (settings: Record<string, string>) => {
    registry = createMetricsRegistry('collector');
    const config = loadConfig(collectorConfigSchema, {
      MONGODB_URL: services.mongo.url,
      MONGODB_DATABASE: database,
      MONGODB_TIMEOUT_MS: '1500',
      NATS_URL: services.nats.url,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: prefix,
      COLLECTOR_HOST: '127.0.0.1',
      COLLECTOR_PORT: '0',
      COLLECTOR_PUBLISH_TIMEOUT_MS: '1000',
      COLLECTOR_SWEEP_INTERVAL_MS: '200',
      COLLECTOR_SWEEP_GRACE_MS: '0',
      ...settings,
    });
    return startCollector({
      config,
      log: createLogger({
        service: 'collector',
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
      throttleRules: loadThrottleRules(config),
      random: options.random,
    });
  };

  let collector = await launch(options.settings ?? {});
  const db = () => mongoClient.db(database);

  const harness: Harness = {
    collector,
    get url() {
      return collector.url;
    },
    nats: services.nats,
    mongo: services.mongo,
    get registry() {
      return registry;
    },
    names,
    async restart(settings = {}) {
      await collector.close();
      collector = await launch(settings);
      harness.collector = collector;
    },
    rawCrash: (crashId) =>
      db()
        .collection<RawCrashDocument>(Collections.rawCrashes)
        .findOne({ _id: crashId }),
    async markUnqueued(crashId) {
      await db()
        .collection<RawCrashDocument>(Collections.rawCrashes)
        .updateOne({ _id: crashId }, { $set: { queued: false } });
    },
    async dumpBytes(fileId) {
      const bucket = new GridFSBucket(db(), { bucketName: Collections.dumps });
      const chunks: Buffer[] = [];
      for await (const chunk of bucket.openDownloadStream(fileId)) {
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
    countDumpFiles: () =>
      db().collection(`${Collections.dumps}.files`).countDocuments(),
    countRawCrashes: () =>
      db().collection(Collections.rawCrashes).countDocuments(),
    async queuedCrashIds() {
      nc ??= await connect({ servers: services.nats.url });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(names.stream);
      const ids: string[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        if (info.state.messages === 0) {
          break;
        }
        const msg = await jsm.streams.getMessage(names.stream, { seq });
        if (msg?.subject === names.subjects.standard) {
          ids.push(msg.string());
        }
      }
      return ids;
    },
    async [Symbol.asyncDispose]() {
      await collector.close();
      await nc?.close();
      await mongoClient.close();
      await services[Symbol.asyncDispose]();
    },
  };
  return harness;
}

/** One part of a multipart body. */
export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

/** A multipart/form-data body and its content type. */
export interface MultipartBody {
  body: Buffer;
  contentType: string;
}

/** Builds a multipart/form-data body from parts. */
export function multipart(
  parts: Part[],
  boundary = `----crashstats${randomBytes(8).toString('hex')}`,
): MultipartBody {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = `form-data; name="${part.name}"`;
    if (part.filename !== undefined) {
      disposition += `; filename="${part.filename}"`;
    }
    let head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n`;
    if (part.contentType !== undefined) {
      head += `Content-Type: ${part.contentType}\r\n`;
    }
    chunks.push(
      Buffer.from(`${head}\r\n`),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A binary dump part. */
export function dumpPart(
  name: string,
  bytes: Buffer,
  contentType = 'application/octet-stream',
): Part {
  return { name, value: bytes, filename: `${name}.dmp`, contentType };
}

/** A reply from the collector. */
export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Posts a body over real HTTP. The reply is read even when the server
 * closes the connection before the whole body was sent (413).
 */
export function post(
  url: string,
  body: Buffer | AsyncIterable<Buffer>,
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/submit`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: res.headers,
        }),
      );
      res.on('error', reject);
    });
    // Writing may fail once the server has answered and closed; the reply wins.
    req.on('error', (err) => setTimeout(() => reject(err), 500));
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    void (async () => {
      try {
        for await (const chunk of body) {
          if (!req.write(chunk)) {
            await new Promise((r) => req.once('drain', r));
          }
          if (req.destroyed) {
            return;
          }
        }
        req.end();
      } catch (err) {
        req.destroy(err as Error);
      }
    })();
  });
}

/** Posts a multipart body with the right headers. */
export function submit(
  url: string,
  form: MultipartBody,
  extraHeaders: Record<string, string> = {},
): Promise<Reply> {
  return post(url, form.body, {
    'Content-Type': form.contentType,
    'Content-Length': String(form.body.length),
    ...extraHeaders,
  });
}

/** The crash id in a `CrashID=bp-...` reply. */
export function crashIdOf(reply: Reply): string {
  const m = reply.body.match(/^CrashID=bp-([0-9a-f-]{36})\n$/);
  if (!m) {
    throw new Error(
      `not an accepted reply: ${reply.status} ${JSON.stringify(reply.body)}`,
    );
  }
  return m[1]!;
}
