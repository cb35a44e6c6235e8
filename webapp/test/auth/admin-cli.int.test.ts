import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MongoClient, type Db } from 'mongodb';
import { Collections } from '@crashstats/common';
import {
  freePort,
  mongoDatabaseName,
  startServices,
  type MongoServer,
} from '@crashstats/testkit';
import { ApiError } from '../../src/api/errors.js';
import { AccessStore } from '../../src/auth/tokens.js';

const launcher = fileURLToPath(
  new URL('../../bin/crashstats-admin.js', import.meta.url),
);

let services: AsyncDisposable & { mongo: MongoServer };
let client: MongoClient;
let db: Db;
let store: AccessStore;
let env: Record<string, string>;

before(async () => {
  services = await startServices({ mongo: true });
  client = new MongoClient(services.mongo.url);
  const database = mongoDatabaseName('auth');
  db = client.db(database);
  store = new AccessStore(db);
  env = { MONGODB_URL: services.mongo.url, MONGODB_DATABASE: database };
});

after(async () => {
  await client.close();
  await services[Symbol.asyncDispose]();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the launcher as a child process. */
function admin(args: string[], extraEnv: Record<string, string> = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The value printed after `label` in create-token's output. */
function field(output: string, label: string): string {
  const match = new RegExp(`^${label} +(\\S+)$`, 'm').exec(output);
  assert.ok(match, `no ${label} in ${output}`);
  return match[1]!;
}

async function rejectsWith(promise: Promise<unknown>, message: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.deepEqual(error.body, { error: message });
    return true;
  });
}

describe('crashstats-admin', { timeout: 120_000 }, () => {
  it('prints help with exit 0, and usage with exit 2 without a command', async () => {
    const help = await admin(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: crashstats-admin COMMAND/);
    for (const command of ['create-user', 'create-token', 'revoke-token']) {
      assert.ok(help.stdout.includes(command));
    }
    const bare = await admin([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^Usage: crashstats-admin/);
    const one = await admin(['create-token', '--help']);
    assert.equal(one.code, 0);
    assert.match(one.stdout, /^Usage: crashstats-admin create-token --user/);
  });

  it('exits 2 on usage errors, before touching the database', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['create-user'], /expected NAME/],
      [['create-user', 'a', 'b'], /expected NAME/],
      [['create-user', 'a', '--colour'], /colour/],
      [['create-user', 'a', '--permission', 'root'], /unknown permission root/],
      [['create-token'], /--user is required/],
      [['create-token', '--user', 'a', '--days', 'ten'], /--days/],
      [['create-token', '--user', 'a', '--days', '9999'], /--days/],
      [['set-permissions', 'a'], /--permission or --none/],
      [['revoke-token'], /expected ID/],
      [['list-tokens', 'extra'], /unexpected argument 'extra'/],
    ];
    const unreachable = `mongodb://127.0.0.1:${await freePort()}/`;
    for (const [args, message] of cases) {
      const run = await admin(args, { MONGODB_URL: unreachable });
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
  });

  it('creates users and tokens that authenticate', async () => {
    const user = await admin([
      'create-user',
      'alice',
      '--permission',
      'view_pii',
    ]);
    assert.equal(user.code, 0, user.stderr);
    assert.match(user.stdout, /alice: active; permissions: view_pii/);
    const again = await admin(['create-user', 'alice']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);

    const made = await admin([
      'create-token',
      '--user',
      'alice',
      '--permission',
      'view_pii',
      '--days',
      '3',
      '--notes',
      'laptop',
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /printed only this once/);
    const secret = field(made.stdout, 'token');
    const id = field(made.stdout, 'id');
    const expires = Date.parse(field(made.stdout, 'expires'));
    assert.match(secret, /^[0-9a-f]{32}$/);
    const inThreeDays = Date.now() + 3 * 86_400_000;
    assert.ok(Math.abs(expires - inThreeDays) < 60_000);
    assert.deepEqual(await store.authenticate(secret), {
      kind: 'token',
      tokenId: id,
      user: 'alice',
      isAdmin: false,
      permissions: new Set(['view_pii']),
    });
  });

  it('refuses a token with permissions the user lacks (exit 1)', async () => {
    await admin(['create-user', 'bob']);
    const run = await admin([
      'create-token',
      '--user',
      'bob',
      '--permission',
      'view_rawdump',
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /permissions: User bob does not hold: view_rawdump/,
    );
    const ghost = await admin(['create-token', '--user', 'ghost']);
    assert.equal(ghost.code, 1);
    assert.match(ghost.stderr, /Unknown user: ghost/);
  });

  it('lists tokens without secrets, revokes them, and deactivates users', async () => {
    await admin([
      'create-user',
      'carol',
      '--admin',
      '--permission',
      'view_pii',
    ]);
    const made = await admin([
      'create-token',
      '--user',
      'carol',
      '--permission',
      'view_pii',
      '--json',
    ]);
    assert.equal(made.code, 0, made.stderr);
    const token = JSON.parse(made.stdout) as { id: string; token: string };
    assert.equal((await store.authenticate(token.token)).kind, 'token');

    const table = await admin(['list-tokens', '--user', 'carol']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^ID +USER +EXPIRES +PERMISSIONS +NOTES$/m);
    assert.ok(table.stdout.includes(token.id));
    assert.ok(!table.stdout.includes(token.token));
    const listed = await admin(['list-tokens', '--json']);
    const tokens = JSON.parse(listed.stdout) as Record<string, unknown>[];
    assert.ok(tokens.length >= 2);
    assert.ok(tokens.some((t) => t.id === token.id));
    assert.ok(!listed.stdout.includes(token.token));
    assert.ok(!listed.stdout.includes('key_hash'));

    const none = await admin(['set-permissions', 'carol', '--none']);
    assert.equal(none.code, 0, none.stderr);
    const principal = await store.authenticate(token.token);
    assert.deepEqual(
      principal.kind === 'token' ? principal.permissions : null,
      new Set(),
    );

    const off = await admin(['deactivate-user', 'carol']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /carol: inactive, administrator/);
    await rejectsWith(
      store.authenticate(token.token),
      'User of API token not active',
    );
    await admin(['activate-user', 'carol']);
    assert.equal((await store.authenticate(token.token)).kind, 'token');

    const revoked = await admin(['revoke-token', token.id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    await rejectsWith(store.authenticate(token.token), 'API Token not matched');
    const twice = await admin(['revoke-token', token.id]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /no token with id/);
  });

  it('keeps no secret in the database', async () => {
    await admin(['create-user', 'dave']);
    const made = await admin(['create-token', '--user', 'dave', '--json']);
    assert.equal(made.code, 0, made.stderr);
    const { token } = JSON.parse(made.stdout) as { token: string };
    const docs = await db.collection(Collections.apiTokens).find().toArray();
    assert.ok(docs.length > 0);
    assert.ok(!JSON.stringify(docs).includes(token));
  });

  it('exits 1 with a message when the database is unreachable', async () => {
    const run = await admin(['list-tokens'], {
      MONGODB_URL: `mongodb://127.0.0.1:${await freePort()}/`,
      MONGODB_TIMEOUT_MS: '300',
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^crashstats-admin: .*ECONNREFUSED/);
  });
});
