import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import { Collections } from '@crashstats/common';
import {
  mongoDatabaseName,
  startServices,
  type MongoServer,
} from '@crashstats/testkit';
import { ApiError } from '../../src/api/errors.js';
import { PERMISSIONS } from '../../src/auth/permissions.js';
import {
  AccessStore,
  CONFIGURED_ADMIN_TOKEN_ID,
  TokenFailures,
} from '../../src/auth/tokens.js';

const DAY_MS = 86_400_000;
const START = new Date('2026-03-01T12:00:00.000Z');

let services: AsyncDisposable & { mongo: MongoServer };
let client: MongoClient;
let db: Db;
let clock: Date;
let store: AccessStore;

before(async () => {
  services = await startServices({ mongo: true });
  client = new MongoClient(services.mongo.url);
});

after(async () => {
  await client.close();
  await services[Symbol.asyncDispose]();
});

beforeEach(async () => {
  db = client.db(mongoDatabaseName('auth'));
  clock = START;
  store = new AccessStore(db, { now: () => clock, tokenDays: 90 });
  await store.ensureIndexes();
});

/** Asserts a 403 with exactly Socorro's body for `message`. */
async function rejects403(promise: Promise<unknown>, message: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 403);
    assert.deepEqual(error.body, { error: message });
    return true;
  });
}

/** Asserts a 400 whose field errors name `field`. */
async function rejects400(
  promise: Promise<unknown>,
  field: string,
  pattern: RegExp,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    const errors = error.body.errors as Record<string, string[]>;
    assert.deepEqual(Object.keys(errors), [field]);
    assert.match(errors[field]!.join(' '), pattern);
    return true;
  });
}

async function allDocuments(): Promise<unknown[]> {
  const users = await db.collection(Collections.users).find().toArray();
  const tokens = await db.collection(Collections.apiTokens).find().toArray();
  return [...users, ...tokens];
}

describe('users', () => {
  it('creates a user once and refuses the same name again', async () => {
    const user = await store.createUser('alice', {
      permissions: ['view_rawdump', 'view_pii', 'view_pii'],
    });
    assert.deepEqual(user, {
      name: 'alice',
      permissions: ['view_pii', 'view_rawdump'],
      active: true,
      isAdmin: false,
      created: START,
    });
    assert.deepEqual(await store.getUser('alice'), user);
    await rejects400(store.createUser('alice'), 'user', /already exists/);
    assert.equal(await store.getUser('nobody'), null);
  });

  it('upserts: creates with defaults, then changes only given fields', async () => {
    const first = await store.upsertUser('bob', { isAdmin: true });
    assert.equal(first.created, true);
    assert.deepEqual(first.user, {
      name: 'bob',
      permissions: [],
      active: true,
      isAdmin: true,
      created: START,
    });
    clock = new Date(START.getTime() + DAY_MS);
    const second = await store.upsertUser('bob', {
      permissions: ['reprocess_crashes'],
    });
    assert.equal(second.created, false);
    assert.deepEqual(second.user, {
      name: 'bob',
      permissions: ['reprocess_crashes'],
      active: true,
      isAdmin: true,
      created: START,
    });
  });

  it('rejects bad names and unknown permissions', async () => {
    await rejects400(store.createUser('no spaces'), 'user', /1 to 150/);
    await rejects400(store.createUser(''), 'user', /1 to 150/);
    await rejects400(
      store.createUser('carol', { permissions: ['view_pii', 'root'] }),
      'permissions',
      /Unknown permission: root$/,
    );
    await rejects400(
      store.upsertUser('carol', { permissions: ['root'] }),
      'permissions',
      /root/,
    );
    assert.equal(await store.getUser('carol'), null);
  });

  it('answers 404 when changing an unknown user', async () => {
    for (const change of [
      () => store.setActive('ghost', false),
      () => store.setPermissions('ghost', ['view_pii']),
    ]) {
      await assert.rejects(change(), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 404);
        assert.deepEqual(error.body, { error: 'Not found: user ghost' });
        return true;
      });
    }
  });
});

describe('token creation', () => {
  it('returns a 32-hex secret once, with an id, expiry and permissions', async () => {
    await store.createUser('alice', { permissions: ['view_pii'] });
    const made = await store.createToken({
      user: 'alice',
      permissions: ['view_pii'],
      days: 7,
      notes: 'laptop',
    });
    assert.match(made.token, /^[0-9a-f]{32}$/);
    assert.match(made.id, /^[0-9a-f]{16}$/);
    assert.deepEqual(made.permissions, ['view_pii']);
    assert.deepEqual(made.expires, new Date(START.getTime() + 7 * DAY_MS));
    assert.deepEqual(await store.listTokens('alice'), [
      {
        id: made.id,
        user: 'alice',
        permissions: ['view_pii'],
        created: START,
        expires: made.expires,
        notes: 'laptop',
      },
    ]);
  });

  it('uses the default lifetime and no permissions unless told', async () => {
    await store.createUser('alice', { permissions: ['view_pii'] });
    const made = await store.createToken({ user: 'alice' });
    assert.deepEqual(made.permissions, []);
    assert.deepEqual(made.expires, new Date(START.getTime() + 90 * DAY_MS));
  });

  it('stores only the SHA-256 of the secret', async () => {
    await store.createUser('alice', { permissions: [...PERMISSIONS] });
    const made = await store.createToken({
      user: 'alice',
      permissions: ['view_rawdump'],
    });
    const docs = await allDocuments();
    assert.equal(docs.length, 2);
    for (const doc of docs) {
      assert.ok(!JSON.stringify(doc).includes(made.token));
    }
    const stored = await db
      .collection(Collections.apiTokens)
      .findOne({ _id: made.id as never });
    const sha = createHash('sha256').update(made.token).digest('hex');
    assert.equal(stored?.key_hash, sha);
    assert.notEqual(stored?._id, made.token);
  });

  it('refuses permissions the owner does not hold', async () => {
    await store.createUser('alice', { permissions: ['view_pii'] });
    await rejects400(
      store.createToken({
        user: 'alice',
        permissions: ['view_pii', 'view_rawdump', 'upload_symbols'],
      }),
      'permissions',
      /^User alice does not hold: view_rawdump, upload_symbols$/,
    );
    await rejects400(
      store.createToken({ user: 'alice', permissions: ['superuser'] }),
      'permissions',
      /Unknown permission: superuser/,
    );
    assert.deepEqual(await store.listTokens(), []);
  });

  it('refuses unknown and inactive owners and bad lifetimes', async () => {
    await rejects400(
      store.createToken({ user: 'ghost' }),
      'user',
      /^Unknown user: ghost$/,
    );
    await store.createUser('alice');
    await store.setActive('alice', false);
    await rejects400(
      store.createToken({ user: 'alice' }),
      'user',
      /not active/,
    );
    await store.setActive('alice', true);
    for (const days of [0, -1, 1.5, 3651]) {
      await rejects400(
        store.createToken({ user: 'alice', days }),
        'days',
        /1 to 3650/,
      );
    }
    await rejects400(
      store.createToken({ user: 'alice', notes: 'x'.repeat(1001) }),
      'notes',
      /1000/,
    );
  });

  it('enforces a unique hash index', async () => {
    await store.ensureIndexes();
    const tokens = db.collection(Collections.apiTokens);
    const indexes = await tokens.indexes();
    const byHash = indexes.find((index) => index.name === 'key_hash_unique');
    assert.deepEqual(byHash?.key, { key_hash: 1 });
    assert.equal(byHash?.unique, true);
    await tokens.insertOne({ _id: 'a' as never, key_hash: 'same' });
    await assert.rejects(
      tokens.insertOne({ _id: 'b' as never, key_hash: 'same' }),
      /duplicate key/i,
    );
  });
});

describe('listing and revoking', () => {
  it('lists oldest first, per user, without secrets or hashes', async () => {
    await store.createUser('alice', { permissions: ['view_pii'] });
    await store.createUser('bob');
    const a = await store.createToken({ user: 'alice' });
    clock = new Date(START.getTime() + 1000);
    const b = await store.createToken({ user: 'bob', notes: 'ci' });
    const all = await store.listTokens();
    assert.deepEqual(
      all.map((t) => t.id),
      [a.id, b.id],
    );
    for (const token of all) {
      assert.deepEqual(Object.keys(token).sort(), [
        'created',
        'expires',
        'id',
        'notes',
        'permissions',
        'user',
      ]);
      const text = JSON.stringify(token);
      assert.ok(!text.includes(a.token) && !text.includes(b.token));
    }
    assert.deepEqual(
      (await store.listTokens('bob')).map((t) => t.id),
      [b.id],
    );
    assert.deepEqual(await store.listTokens('ghost'), []);
  });

  it('revokes a token, which then no longer matches', async () => {
    await store.createUser('alice');
    const made = await store.createToken({ user: 'alice' });
    await store.authenticate(made.token);
    assert.equal(await store.revokeToken(made.id), true);
    await rejects403(store.authenticate(made.token), TokenFailures.notMatched);
    assert.equal(await store.revokeToken(made.id), false);
    assert.deepEqual(await store.listTokens(), []);
  });
});

describe('authenticate', () => {
  it('returns the owner and the token permissions', async () => {
    await store.createUser('alice', {
      permissions: ['view_pii', 'view_rawdump'],
    });
    const made = await store.createToken({
      user: 'alice',
      permissions: ['view_pii'],
    });
    const principal = await store.authenticate(made.token);
    assert.deepEqual(principal, {
      kind: 'token',
      tokenId: made.id,
      user: 'alice',
      isAdmin: false,
      permissions: new Set(['view_pii']),
    });
  });

  it('says "not matched" for unknown and malformed secrets', async () => {
    await store.createUser('alice');
    const made = await store.createToken({ user: 'alice' });
    for (const secret of [
      '0123456789abcdef0123456789abcdef',
      made.token.toUpperCase(),
      made.token.slice(1),
      `${made.token} `,
      '',
      'not a token',
      made.id,
      createHash('sha256').update(made.token).digest('hex'),
    ]) {
      await rejects403(store.authenticate(secret), TokenFailures.notMatched);
    }
    assert.equal(TokenFailures.notMatched, 'API Token not matched');
  });

  it('says "expired" from the expiry instant on', async () => {
    await store.createUser('alice');
    const made = await store.createToken({ user: 'alice', days: 1 });
    clock = new Date(made.expires.getTime() - 1);
    await store.authenticate(made.token);
    clock = made.expires;
    await rejects403(store.authenticate(made.token), TokenFailures.expired);
    assert.equal(TokenFailures.expired, 'API Token found but expired');
  });

  it('says "not active" for an inactive or deleted owner', async () => {
    await store.createUser('alice');
    const made = await store.createToken({ user: 'alice' });
    await store.setActive('alice', false);
    await rejects403(
      store.authenticate(made.token),
      TokenFailures.inactiveUser,
    );
    assert.equal(TokenFailures.inactiveUser, 'User of API token not active');
    await store.setActive('alice', true);
    assert.equal((await store.authenticate(made.token)).kind, 'token');
    await db.collection(Collections.users).deleteOne({ _id: 'alice' as never });
    await rejects403(
      store.authenticate(made.token),
      TokenFailures.inactiveUser,
    );
  });

  it('holds only what the owner still holds', async () => {
    await store.createUser('alice', {
      permissions: ['view_pii', 'view_rawdump'],
    });
    const made = await store.createToken({
      user: 'alice',
      permissions: ['view_pii', 'view_rawdump'],
    });
    await store.setPermissions('alice', ['view_rawdump', 'upload_symbols']);
    let principal = await store.authenticate(made.token);
    assert.equal(principal.kind, 'token');
    assert.deepEqual(
      principal.kind === 'token' ? principal.permissions : null,
      new Set(['view_rawdump']),
    );
    await store.setPermissions('alice', ['view_pii', 'view_rawdump']);
    principal = await store.authenticate(made.token);
    assert.deepEqual(
      principal.kind === 'token' ? principal.permissions : null,
      new Set(['view_pii', 'view_rawdump']),
    );
  });
});

describe('ensureAdmin', () => {
  const SECRET_A = 'a'.repeat(32);
  const SECRET_B = '0123456789abcdef'.repeat(2);

  it('creates the administrator with every permission, idempotently', async () => {
    await store.ensureAdmin('root', SECRET_A);
    await store.ensureAdmin('root', SECRET_A);
    assert.deepEqual(await store.getUser('root'), {
      name: 'root',
      permissions: [...PERMISSIONS],
      active: true,
      isAdmin: true,
      created: START,
    });
    const tokens = await store.listTokens();
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]?.id, CONFIGURED_ADMIN_TOKEN_ID);
    assert.ok(tokens[0].expires.getFullYear() >= 9999);
    assert.equal(await db.collection(Collections.users).countDocuments(), 1);
    const principal = await store.authenticate(SECRET_A);
    assert.deepEqual(principal, {
      kind: 'token',
      tokenId: CONFIGURED_ADMIN_TOKEN_ID,
      user: 'root',
      isAdmin: true,
      permissions: new Set(PERMISSIONS),
    });
    for (const doc of await allDocuments()) {
      assert.ok(!JSON.stringify(doc).includes(SECRET_A));
    }
  });

  it('restores a demoted administrator at the next start', async () => {
    await store.ensureAdmin('root', SECRET_A);
    await store.setPermissions('root', []);
    await store.setActive('root', false);
    await store.ensureAdmin('root', SECRET_A);
    const principal = await store.authenticate(SECRET_A);
    assert.deepEqual(
      principal.kind === 'token' ? principal.permissions : null,
      new Set(PERMISSIONS),
    );
  });

  it('replaces the configured secret, and withdraws it when unset', async () => {
    await store.ensureAdmin('root', SECRET_A);
    await store.ensureAdmin('root', SECRET_B);
    await rejects403(store.authenticate(SECRET_A), TokenFailures.notMatched);
    assert.equal((await store.authenticate(SECRET_B)).kind, 'token');
    assert.equal((await store.listTokens()).length, 1);
    await store.ensureAdmin('root');
    await rejects403(store.authenticate(SECRET_B), TokenFailures.notMatched);
    assert.deepEqual(await store.listTokens(), []);
    assert.equal((await store.getUser('root'))?.isAdmin, true);
  });

  it('leaves other tokens alone and refuses a malformed secret', async () => {
    await store.createUser('alice');
    const made = await store.createToken({ user: 'alice' });
    await store.ensureAdmin('root', SECRET_A);
    await store.ensureAdmin('root');
    assert.equal((await store.authenticate(made.token)).kind, 'token');
    await assert.rejects(store.ensureAdmin('root', 'ABC'), /32 lowercase hex/);
  });
});
