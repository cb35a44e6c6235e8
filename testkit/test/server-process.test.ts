import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

import {
  acceptsConnections,
  eventually,
  ferretdbBinary,
  freePort,
  natsServerBinary,
  startServerProcess,
} from '@crashstats/testkit';

const TIMEOUT = { timeout: 30_000 };
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A Node script that listens on the port given as its first argument. */
const LISTEN = `
  const port = Number(process.argv[1]);
  require('node:net').createServer().listen(port, '127.0.0.1', () => {
    console.log('listening on ' + port);
  });
`;

/** Runs a small Node script as a "server" binary. */
function nodeScript(source: string): {
  command: string;
  args: (context: { port: number; dataDir: string }) => string[];
} {
  return {
    command: process.execPath,
    args: ({ port, dataDir }) => ['-e', source, String(port), dataDir],
  };
}

void test('eventually: returns what the check first gives', async () => {
  let calls = 0;
  const value = await eventually(
    'the third call',
    () => (++calls === 3 ? { calls } : false),
    { intervalMs: 1 },
  );
  assert.deepEqual(value, { calls: 3 });
});

void test('eventually: fails naming what it waited for, with the detail', async () => {
  await assert.rejects(
    eventually('a port to close', () => undefined, {
      timeoutMs: 50,
      intervalMs: 5,
      detail: () => 'last seen: open',
    }),
    /^Error: a port to close: not seen within 50 ms\nlast seen: open$/,
  );
});

void test('freePort: returns a port nothing listens on', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.equal(await acceptsConnections(port), false);
});

void test(
  'start waits for the port, stop and start reuse it',
  TIMEOUT,
  async () => {
    let checks = 0;
    await using server = await startServerProcess({
      name: 'listener',
      ...nodeScript(LISTEN),
      isReady: () => Promise.resolve(++checks >= 3),
    });
    assert.equal(checks, 3);
    assert.ok(server.running);
    assert.ok(await acceptsConnections(server.port));
    assert.match(server.output(), new RegExp(`listening on ${server.port}`));

    const { port, dataDir } = server;
    await server.stop();
    assert.equal(server.running, false);
    assert.equal(await acceptsConnections(port), false);
    await server.stop();

    await server.start();
    assert.equal(server.port, port);
    assert.equal(server.dataDir, dataDir);
    assert.ok(await acceptsConnections(port));

    await server.dispose();
    assert.equal(existsSync(dataDir), false);
    await server.dispose();
  },
);

void test(
  'a server that exits early fails with its output',
  TIMEOUT,
  async () => {
    await assert.rejects(
      startServerProcess({
        name: 'broken',
        ...nodeScript("console.error('unknown flag --nope'); process.exit(3);"),
      }),
      (error: Error) => {
        assert.match(error.message, /broken exited with code 3 before/);
        assert.match(error.message, /unknown flag --nope/);
        return true;
      },
    );
  },
);

void test('a missing binary fails with a clear message', TIMEOUT, async () => {
  await assert.rejects(
    startServerProcess({
      name: 'ghost',
      command: '/nonexistent/ghost-server',
      args: () => [],
    }),
    /ghost could not be spawned: spawn \/nonexistent\/ghost-server ENOENT/,
  );
});

void test('a server that never listens times out', TIMEOUT, async () => {
  await assert.rejects(
    startServerProcess({
      name: 'mute',
      ...nodeScript("console.log('thinking'); setInterval(() => {}, 1000);"),
      readyTimeoutMs: 300,
    }),
    (error: Error) => {
      assert.match(error.message, /mute was not ready on .* within 0.3 s/);
      assert.match(error.message, /thinking/);
      return true;
    },
  );
});

void test(
  'a port taken at start is swapped for a free one',
  TIMEOUT,
  async () => {
    const firstTryFails = `
    const fs = require('node:fs');
    const marker = process.argv[2] + '/tried';
    if (!fs.existsSync(marker)) {
      fs.writeFileSync(marker, '');
      console.error('listen EADDRINUSE: address already in use');
      process.exit(1);
    }
    ${LISTEN}
  `;
    await using server = await startServerProcess({
      name: 'retry',
      ...nodeScript(firstTryFails),
    });
    assert.ok(await acceptsConnections(server.port));
    assert.match(server.output(), /address already in use/);
  },
);

void test('a server ignoring SIGTERM is killed', TIMEOUT, async () => {
  await using server = await startServerProcess({
    name: 'stubborn',
    ...nodeScript(`process.on('SIGTERM', () => {}); ${LISTEN}`),
    stopTimeoutMs: 200,
  });
  await server.stop();
  assert.equal(server.running, false);
  assert.match(server.output(), /SIGKILL/);
});

void test(
  'servers do not outlive the process that started them',
  TIMEOUT,
  async () => {
    const script = `
    import { startRedis } from '@crashstats/testkit';
    const redis = await startRedis();
    console.log(JSON.stringify({ port: redis.port, dataDir: redis.dataDir }));
    process.exit(0);
  `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: REPO_ROOT },
    );
    const { port, dataDir } = JSON.parse(stdout) as {
      port: number;
      dataDir: string;
    };
    await eventually(
      'the port closed',
      async () => !(await acceptsConnections(port)),
      { timeoutMs: 3000 },
    );
    assert.equal(existsSync(dataDir), false);
  },
);

void test('binaries: a bad override names the variable and the fix', async (t) => {
  const saved = process.env.CRASHSTATS_NATS_SERVER;
  t.after(() => {
    if (saved === undefined) {
      delete process.env.CRASHSTATS_NATS_SERVER;
    } else {
      process.env.CRASHSTATS_NATS_SERVER = saved;
    }
  });
  process.env.CRASHSTATS_NATS_SERVER = '/nonexistent/nats-server';
  await assert.rejects(
    natsServerBinary(),
    /CRASHSTATS_NATS_SERVER=\/nonexistent\/nats-server .*npm run services/,
  );
});

void test('binaries: an empty cache tells to run npm run services', async (t) => {
  const saved = process.env.CRASHSTATS_CACHE;
  t.after(() => {
    if (saved === undefined) {
      delete process.env.CRASHSTATS_CACHE;
    } else {
      process.env.CRASHSTATS_CACHE = saved;
    }
  });
  process.env.CRASHSTATS_CACHE = '/nonexistent/cache';
  if (process.env.CRASHSTATS_FERRETDB) {
    t.skip('CRASHSTATS_FERRETDB overrides the cache');
    return;
  }
  await assert.rejects(
    ferretdbBinary(),
    /ferretdb v[\d.]+ was not found at \/nonexistent\/cache\/ferretdb-v[\d.]+\/ferretdb\. Run `npm run services`/,
  );
});
