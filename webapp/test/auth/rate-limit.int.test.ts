import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { startServices, type RedisServer } from '@crashstats/testkit';
import {
  createRateLimitRedis,
  RedisRateLimiter,
} from '../../src/auth/rate-limit.js';

let services: AsyncDisposable & { redis: RedisServer };
const clients: Redis[] = [];

before(async () => {
  services = await startServices({ redis: true });
});

after(async () => {
  for (const client of clients) {
    client.disconnect();
  }
  await services[Symbol.asyncDispose]();
});

/** A connected client of the test server. */
async function connect(): Promise<Redis> {
  const client = createRateLimitRedis(services.redis.url);
  clients.push(client);
  if (client.status !== 'ready') {
    await once(client, 'ready');
  }
  return client;
}

/** A prefix no other test uses. */
function freshPrefix(): string {
  return `t-${randomUUID()}:ratelimit`;
}

/** 15 seconds into a minute, in UTC. */
const QUARTER_PAST = new Date('2026-03-01T12:00:15.000Z');

describe('RedisRateLimiter', () => {
  it('allows up to the limit, then refuses until the window ends', async () => {
    const limiter = new RedisRateLimiter({
      redis: await connect(),
      now: () => QUARTER_PAST,
      prefix: freshPrefix(),
    });
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const result = await limiter.check('token:a', 3);
      assert.equal(result.allowed, true);
      assert.equal(result.retryAfterSeconds, 0);
      remaining.push(result.remaining);
    }
    assert.deepEqual(remaining, [2, 1, 0]);
    assert.deepEqual(await limiter.check('token:a', 3), {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 45,
    });
  });

  it('starts afresh in the next window', async () => {
    let clock = QUARTER_PAST;
    const limiter = new RedisRateLimiter({
      redis: await connect(),
      now: () => clock,
      prefix: freshPrefix(),
    });
    await limiter.check('address:10.0.0.1', 1);
    clock = new Date('2026-03-01T12:00:59.400Z');
    assert.deepEqual(await limiter.check('address:10.0.0.1', 1), {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: 1,
    });
    clock = new Date('2026-03-01T12:01:00.000Z');
    assert.deepEqual(await limiter.check('address:10.0.0.1', 1), {
      allowed: true,
      remaining: 0,
      retryAfterSeconds: 0,
    });
  });

  it('resets with the real clock over a short window', async () => {
    const limiter = new RedisRateLimiter({
      redis: await connect(),
      windowMs: 400,
      prefix: freshPrefix(),
    });
    // Start at the beginning of a window so both checks share it.
    await sleep(400 - (Date.now() % 400) + 5);
    assert.equal((await limiter.check('token:x', 1)).allowed, true);
    const refused = await limiter.check('token:x', 1);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterSeconds, 1);
    await sleep(450);
    assert.equal((await limiter.check('token:x', 1)).allowed, true);
  });

  it('counts each key apart', async () => {
    const limiter = new RedisRateLimiter({
      redis: await connect(),
      now: () => QUARTER_PAST,
      prefix: freshPrefix(),
    });
    assert.equal((await limiter.check('token:a', 1)).allowed, true);
    assert.equal((await limiter.check('token:a', 1)).allowed, false);
    assert.equal((await limiter.check('token:b', 1)).allowed, true);
    assert.equal((await limiter.check('address:10.0.0.1', 1)).allowed, true);
    assert.equal((await limiter.check('address:10.0.0.2', 1)).allowed, true);
    assert.equal((await limiter.check('address:10.0.0.1', 1)).allowed, false);
  });

  it('treats a limit of 0 as no limit and stores nothing', async () => {
    const redis = await connect();
    const prefix = freshPrefix();
    const limiter = new RedisRateLimiter({ redis, prefix });
    for (let i = 0; i < 200; i++) {
      const result = await limiter.check('token:a', 0);
      assert.equal(result.allowed, true);
      assert.equal(result.remaining, Number.POSITIVE_INFINITY);
    }
    assert.deepEqual(await redis.keys(`${prefix}:*`), []);
  });

  it('is shared between limiters on different connections', async () => {
    const prefix = freshPrefix();
    const first = new RedisRateLimiter({ redis: await connect(), prefix });
    const second = new RedisRateLimiter({ redis: await connect(), prefix });
    const seen = [];
    for (let i = 0; i < 6; i++) {
      const limiter = i % 2 === 0 ? first : second;
      seen.push((await limiter.check('token:shared', 5)).allowed);
    }
    assert.deepEqual(seen, [true, true, true, true, true, false]);
  });

  it('counts concurrent requests exactly', async () => {
    const prefix = freshPrefix();
    const limiters = [await connect(), await connect()].map(
      (redis) => new RedisRateLimiter({ redis, prefix }),
    );
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        limiters[i % 2]!.check('address:burst', 25),
      ),
    );
    assert.equal(results.filter((r) => r.allowed).length, 25);
  });

  it('uses namespaced keys that expire after their window', async () => {
    const redis = await connect();
    const limiter = new RedisRateLimiter({ redis, now: () => QUARTER_PAST });
    await limiter.check(`token:${randomUUID()}`, 10);
    const keys = await redis.keys('crashstats:ratelimit:token:*');
    assert.equal(keys.length, 1);
    const window = Math.floor(QUARTER_PAST.getTime() / 60_000);
    assert.match(
      keys[0]!,
      new RegExp(`^crashstats:ratelimit:token:.+:${window}$`),
    );
    const ttl = await redis.pttl(keys[0]!);
    assert.ok(ttl > 45_000 && ttl <= 105_000, `ttl ${ttl}`);
  });

  it('loads its script again after Redis forgets it', async () => {
    const redis = await connect();
    const limiter = new RedisRateLimiter({ redis, prefix: freshPrefix() });
    await limiter.check('token:a', 5);
    await redis.script('FLUSH');
    assert.equal((await limiter.check('token:a', 5)).remaining, 3);
  });

  it('rejects quickly while Redis is down', async () => {
    const redis = await connect();
    const limiter = new RedisRateLimiter({
      redis,
      prefix: freshPrefix(),
      timeoutMs: 300,
    });
    await services.redis.stop();
    try {
      const started = Date.now();
      await assert.rejects(limiter.check('token:a', 5));
      assert.ok(Date.now() - started < 1000);
    } finally {
      await services.redis.start();
    }
  });
});
