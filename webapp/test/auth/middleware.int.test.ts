import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import Koa from 'koa';
import request from 'supertest';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type { Logger } from '@crashstats/common';
import {
  mongoDatabaseName,
  startServices,
  type MongoServer,
  type RedisServer,
} from '@crashstats/testkit';
import { ApiError } from '../../src/api/errors.js';
import {
  accessControl,
  type AccessControlDeps,
  type AccessState,
} from '../../src/auth/middleware.js';
import {
  createRateLimitRedis,
  RedisRateLimiter,
  type RateLimiter,
} from '../../src/auth/rate-limit.js';
import { AccessStore } from '../../src/auth/tokens.js';

const LIMITS = {
  WEBAPP_RATE_LIMIT_ANONYMOUS: 3,
  WEBAPP_RATE_LIMIT_AUTHENTICATED: 5,
};
/** 15 seconds into a minute: a refused request waits 45 seconds. */
const QUARTER_PAST = new Date('2026-03-01T12:00:15.000Z');

let services: AsyncDisposable & { mongo: MongoServer; redis: RedisServer };
let mongo: MongoClient;
let redis: Redis;
let clock: Date;
let store: AccessStore;
let limiter: RedisRateLimiter;

before(async () => {
  services = await startServices({ mongo: true, redis: true });
  mongo = new MongoClient(services.mongo.url);
  redis = createRateLimitRedis(services.redis.url);
  await once(redis, 'ready');
});

after(async () => {
  redis.disconnect();
  await mongo.close();
  await services[Symbol.asyncDispose]();
});

beforeEach(async () => {
  clock = QUARTER_PAST;
  store = new AccessStore(mongo.db(mongoDatabaseName('auth')), {
    now: () => clock,
  });
  await store.ensureIndexes();
  limiter = new RedisRateLimiter({
    redis,
    now: () => clock,
    prefix: `t-${randomUUID()}:ratelimit`,
  });
});

/**
 * An app with the middleware, an error handler that renders ApiErrors the
 * way the server does, and a route that echoes the principal.
 */
function buildApp(overrides: Partial<AccessControlDeps> = {}) {
  const app = new Koa<AccessState>({ proxy: true });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof ApiError)) {
        throw error;
      }
      ctx.status = error.status;
      ctx.body = error.body;
      ctx.set(error.headers);
    }
  });
  app.use(accessControl({ store, limiter, config: LIMITS, ...overrides }));
  app.use((ctx) => {
    const principal = ctx.state.principal;
    ctx.body =
      principal.kind === 'token'
        ? { ...principal, permissions: [...principal.permissions] }
        : principal;
  });
  return request(app.callback());
}

/** A token of an active user holding `view_pii`. */
async function makeToken(user = 'alice') {
  await store.upsertUser(user, { permissions: ['view_pii', 'view_rawdump'] });
  return store.createToken({ user, permissions: ['view_pii'], days: 1 });
}

describe('accessControl', () => {
  it('lets a request without a token through as anonymous', async () => {
    const response = await buildApp().get('/').expect(200);
    assert.deepEqual(response.body, { kind: 'anonymous' });
    assert.equal(response.headers['x-ratelimit-limit'], '3');
    assert.equal(response.headers['x-ratelimit-remaining'], '2');
  });

  it('puts the token principal in ctx.state', async () => {
    const made = await makeToken();
    const response = await buildApp()
      .get('/')
      .set('Auth-Token', made.token)
      .expect(200);
    assert.deepEqual(response.body, {
      kind: 'token',
      tokenId: made.id,
      user: 'alice',
      isAdmin: false,
      permissions: ['view_pii'],
    });
    assert.equal(response.headers['x-ratelimit-limit'], '5');
    assert.equal(response.headers['x-ratelimit-remaining'], '4');
  });

  it('answers 403 with Socorro messages for bad tokens', async () => {
    const made = await makeToken();
    const app = buildApp({
      config: { ...LIMITS, WEBAPP_RATE_LIMIT_ANONYMOUS: 0 },
    });
    const notMatched = { error: 'API Token not matched' };
    for (const value of ['', 'nonsense', '0'.repeat(32), made.id]) {
      const response = await app.get('/').set('Auth-Token', value);
      assert.equal(response.status, 403, value);
      assert.deepEqual(response.body, notMatched);
    }
    clock = made.expires;
    let response = await app.get('/').set('Auth-Token', made.token);
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, { error: 'API Token found but expired' });
    clock = QUARTER_PAST;
    await store.setActive('alice', false);
    response = await app.get('/').set('Auth-Token', made.token);
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, { error: 'User of API token not active' });
  });

  it('answers 429 with Retry-After over the anonymous limit', async () => {
    const app = buildApp();
    for (let i = 0; i < 3; i++) {
      await app.get('/').expect(200);
    }
    const response = await app.get('/').expect(429);
    assert.equal(response.headers['retry-after'], '45');
    assert.equal(response.headers['x-ratelimit-limit'], '3');
    assert.equal(response.headers['x-ratelimit-remaining'], '0');
    assert.deepEqual(response.body, {
      error: 'Too many requests; try again later',
    });
    clock = new Date('2026-03-01T12:01:00.000Z');
    await app.get('/').expect(200);
  });

  it('limits tokens and addresses separately', async () => {
    const made = await makeToken();
    const other = await makeToken('bob');
    const app = buildApp();
    const fromA = () => app.get('/').set('X-Forwarded-For', '192.0.2.1');
    for (let i = 0; i < 3; i++) {
      await fromA().expect(200);
    }
    await fromA().expect(429);
    await app.get('/').set('X-Forwarded-For', '192.0.2.2').expect(200);
    for (let i = 0; i < 5; i++) {
      await fromA().set('Auth-Token', made.token).expect(200);
    }
    const refused = await fromA().set('Auth-Token', made.token).expect(429);
    assert.equal(refused.headers['x-ratelimit-limit'], '5');
    await fromA().set('Auth-Token', other.token).expect(200);
  });

  it('counts bad tokens against the address', async () => {
    const made = await makeToken();
    const app = buildApp();
    const bad = () =>
      app
        .get('/')
        .set('X-Forwarded-For', '198.51.100.7')
        .set('Auth-Token', 'f'.repeat(32));
    for (let i = 0; i < 3; i++) {
      await bad().expect(403);
    }
    const response = await bad().expect(429);
    assert.equal(response.headers['retry-after'], '45');
    await app
      .get('/')
      .set('X-Forwarded-For', '198.51.100.7')
      .set('Auth-Token', made.token)
      .expect(200);
  });

  it('sends no limit headers when limits are off', async () => {
    const app = buildApp({
      config: {
        WEBAPP_RATE_LIMIT_ANONYMOUS: 0,
        WEBAPP_RATE_LIMIT_AUTHENTICATED: 0,
      },
    });
    for (let i = 0; i < 10; i++) {
      const response = await app.get('/').expect(200);
      assert.equal(response.headers['x-ratelimit-limit'], undefined);
    }
  });

  it('lets requests through, with one warning, while Redis is down', async () => {
    const warnings: unknown[] = [];
    const log = {
      warn: (fields: unknown, message: string) => {
        warnings.push({ fields, message });
      },
    } as unknown as Logger;
    const down: RateLimiter = new RedisRateLimiter({
      redis,
      timeoutMs: 300,
      prefix: `t-${randomUUID()}:ratelimit`,
    });
    const made = await makeToken();
    const app = buildApp({ limiter: down, log });
    await services.redis.stop();
    try {
      for (let i = 0; i < 5; i++) {
        const response = await app.get('/').expect(200);
        assert.equal(response.headers['x-ratelimit-limit'], undefined);
      }
      await app.get('/').set('Auth-Token', made.token).expect(200);
    } finally {
      await services.redis.start();
    }
    assert.equal(warnings.length, 1);
    assert.match(
      (warnings[0] as { message: string }).message,
      /rate limit not applied/,
    );
  });
});
