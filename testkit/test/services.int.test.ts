import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';

import {
  acceptsConnections,
  mongoDatabaseName,
  startMongo,
  startNats,
  startRedis,
  startServices,
} from '@crashstats/testkit';

const TIMEOUT = { timeout: 30_000 };

/** A document keyed by a string, as the crash store's are. */
interface Crash {
  _id: string;
  signature?: string;
}

/**
 * Sends one raw RESP command and resolves with its reply: the line of a
 * simple reply (`+PONG`), or the text of a bulk string (`$-1`, none, as
 * null).
 */
async function redisCommand(
  port: number,
  ...args: string[]
): Promise<string | null> {
  const request =
    `*${args.length}\r\n` +
    args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('');
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    let reply = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`redis ${args[0] ?? ''} timed out`));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const end = reply.indexOf('\r\n');
      if (end < 0) {
        return;
      }
      const line = reply.slice(0, end);
      if (!line.startsWith('$')) {
        socket.destroy();
        resolve(line);
        return;
      }
      const length = Number(line.slice(1));
      if (length < 0) {
        socket.destroy();
        resolve(null);
      } else if (reply.length >= end + 2 + length + 2) {
        socket.destroy();
        resolve(reply.slice(end + 2, end + 2 + length));
      }
    });
  });
}

/** Sends a raw RESP `PING` and resolves with the reply line. */
function redisPing(port: number): Promise<string | null> {
  return redisCommand(port, 'PING');
}

/** Runs `work` with a NATS connection that is closed afterwards. */
async function withNats<T>(
  url: string,
  work: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: url });
  try {
    return await work(nc);
  } finally {
    await nc.close();
  }
}

/** Reads one message of a stream by sequence number, as text. */
async function readStream(
  nc: NatsConnection,
  stream: string,
  seq: number,
): Promise<string | undefined> {
  const jsm = await jetstreamManager(nc);
  const message = await jsm.streams.getMessage(stream, { seq });
  return message?.string();
}

void test(
  'NATS: JetStream works and keeps messages across a restart',
  TIMEOUT,
  async () => {
    await using nats = await startNats();
    assert.equal(nats.url, `nats://127.0.0.1:${nats.port}`);

    await withNats(nats.url, async (nc) => {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'TESTKIT', subjects: ['testkit.>'] });
      const ack = await jetstream(nc).publish('testkit.first', 'one');
      assert.equal(ack.seq, 1);
      assert.equal(await readStream(nc, 'TESTKIT', 1), 'one');
    });

    await nats.stop();
    assert.equal(await acceptsConnections(nats.port), false);
    await nats.start();

    await withNats(nats.url, async (nc) => {
      const ack = await jetstream(nc).publish('testkit.second', 'two');
      assert.equal(ack.seq, 2);
      assert.equal(await readStream(nc, 'TESTKIT', 1), 'one');
      assert.equal(await readStream(nc, 'TESTKIT', 2), 'two');
    });
  },
);

void test('NATS: monitoring is off unless asked for', TIMEOUT, async () => {
  await using quiet = await startNats();
  assert.equal(quiet.monitorUrl, undefined);

  await using watched = await startNats({ monitoring: true });
  assert.ok(watched.monitorUrl);
  const response = await fetch(`${watched.monitorUrl}/varz`);
  assert.equal(response.status, 200);
  const varz = (await response.json()) as { port: number };
  assert.equal(varz.port, watched.port);
});

void test('Redis: answers PING, also after a restart', TIMEOUT, async () => {
  await using redis = await startRedis();
  assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
  assert.equal(await redisPing(redis.port), '+PONG');

  await redis.stop();
  assert.equal(await acceptsConnections(redis.port), false);
  await redis.start();
  assert.equal(await redisPing(redis.port), '+PONG');
});

void test('Mongo: inserts and finds a document', TIMEOUT, async () => {
  await using mongo = await startMongo();
  const client = new MongoClient(mongo.url);
  const db = client.db(mongoDatabaseName());
  try {
    const crashes = db.collection<Crash>('crashes');
    await crashes.insertOne({ _id: 'a1', signature: 'boom' });
    const found = await crashes.findOne({ _id: 'a1' });
    assert.deepEqual(found, { _id: 'a1', signature: 'boom' });
  } finally {
    await db.dropDatabase();
    await client.close();
  }
});

void test('Mongo: data survives a stop and start', TIMEOUT, async (t) => {
  await using mongo = await startMongo();
  if (mongo.external) {
    await assert.rejects(mongo.stop(), /MONGODB_URL/);
    t.skip('MONGODB_URL points at an external server that testkit cannot stop');
    return;
  }
  const name = mongoDatabaseName('restart');
  const write = new MongoClient(mongo.url);
  try {
    await write
      .db(name)
      .collection<Crash>('crashes')
      .insertOne({ _id: 'kept' });
  } finally {
    await write.close();
  }

  await mongo.stop();
  assert.equal(mongo.external, false);
  await mongo.start();

  const read = new MongoClient(mongo.url);
  try {
    const found = await read.db(name).collection<Crash>('crashes').findOne({});
    assert.deepEqual(found, { _id: 'kept' });
  } finally {
    await read.close();
  }
});

void test('mongoDatabaseName: unique names with a safe prefix', () => {
  const first = mongoDatabaseName();
  assert.match(first, /^t_[0-9a-f]{12}$/);
  assert.notEqual(mongoDatabaseName(), first);
  assert.match(mongoDatabaseName('ingest'), /^ingest_[0-9a-f]{12}$/);
  assert.throws(() => mongoDatabaseName('bad.name'), /prefix/);
});

void test(
  'startServices: starts the chosen servers, dispose removes them',
  TIMEOUT,
  async () => {
    const services = await startServices({
      nats: true,
      redis: true,
      mongo: true,
    });
    const { nats, redis, mongo } = services;
    assert.equal(await redisPing(redis.port), '+PONG');
    await withNats(nats.url, (nc) => nc.flush());
    const client = new MongoClient(mongo.url);
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close();
    }
    const dirs = [nats.dataDir, redis.dataDir, mongo.dataDir].filter(
      (dir): dir is string => dir !== undefined,
    );
    dirs.forEach((dir) => assert.ok(existsSync(dir), `${dir} should exist`));

    await services[Symbol.asyncDispose]();

    dirs.forEach((dir) => assert.ok(!existsSync(dir), `${dir} should be gone`));
    assert.equal(await acceptsConnections(nats.port), false);
    assert.equal(await acceptsConnections(redis.port), false);
    await assert.rejects(redis.start(), /after dispose/);
  },
);

void test(
  'startServices: leaves out what was not asked for',
  TIMEOUT,
  async () => {
    await using services = await startServices({ redis: true });
    assert.equal(services.nats, undefined);
    assert.equal(services.mongo, undefined);
    assert.equal(await redisPing(services.redis.port), '+PONG');
  },
);

void test(
  'startServices: a given data folder outlives the servers for the next start',
  { timeout: 60_000 },
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'crashstats-kept-'));
    try {
      const name = mongoDatabaseName('kept');
      {
        await using first = await startServices({
          nats: true,
          redis: true,
          mongo: true,
          dataDir: root,
        });
        assert.equal(first.nats.dataDir, join(root, 'nats'));
        assert.equal(first.redis.dataDir, join(root, 'redis'));
        await withNats(first.nats.url, async (nc) => {
          const jsm = await jetstreamManager(nc);
          await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
          await jetstream(nc).publish('kept.one', 'one');
        });
        assert.equal(
          await redisCommand(first.redis.port, 'SET', 'k', 'v'),
          '+OK',
        );
        const client = new MongoClient(first.mongo.url);
        try {
          await client
            .db(name)
            .collection<Crash>('crashes')
            .insertOne({ _id: 'kept' });
        } finally {
          await client.close();
        }
      }
      assert.ok(existsSync(join(root, 'nats')), 'the NATS folder is kept');
      assert.ok(existsSync(join(root, 'redis')), 'the Redis folder is kept');

      await using second = await startServices({
        nats: true,
        redis: true,
        mongo: true,
        dataDir: root,
      });
      await withNats(second.nats.url, async (nc) => {
        assert.equal(await readStream(nc, 'KEPT', 1), 'one');
      });
      assert.equal(await redisCommand(second.redis.port, 'GET', 'k'), 'v');
      const client = new MongoClient(second.mongo.url);
      try {
        const found = await client
          .db(name)
          .collection<Crash>('crashes')
          .findOne({ _id: 'kept' });
        assert.deepEqual(found, { _id: 'kept' });
        if (second.mongo.external) {
          await client.db(name).dropDatabase();
        } else {
          assert.equal(second.mongo.dataDir, join(root, 'ferretdb'));
        }
      } finally {
        await client.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
);
