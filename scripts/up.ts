/**
 * Runs the platform locally: real servers from testkit, then the collector,
 * the processor and the web app as child processes, until Ctrl-C. The web
 * app's administrator token is WEBAPP_ADMIN_TOKEN_SECRET when set, else a
 * new random one printed at start.
 *
 * The servers keep their data in temporary folders removed on exit, or,
 * with `--data-dir DIR`, in DIR, where the next run with the same option
 * finds it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startServices } from '@crashstats/testkit';

const USAGE = `Usage: ./scripts/up.sh [--data-dir DIR]

  --data-dir DIR  keep the data of NATS, Redis and FerretDB in DIR (made if
                  missing) so that the next run with the same DIR finds the
                  crashes again; without it the data is removed on exit.
`;

const COLLECTOR_PORT = process.env.COLLECTOR_PORT ?? '8000';
const PROCESSOR_PORT = process.env.PROCESSOR_PORT ?? '8001';
const WEBAPP_PORT = process.env.WEBAPP_PORT ?? '8080';

/**
 * Starts a component in a process group of its own, so that Ctrl-C in the
 * terminal reaches this script alone, which then stops each component with
 * one SIGTERM (a component takes a second signal as "exit now", skipping
 * its drain). Components still running when this script exits are killed.
 */
function startComponent(name: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', `${name}/src/main.ts`],
    { stdio: 'inherit', env, detached: true },
  );
  process.on('exit', () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  });
  return child;
}

async function waitForHeartbeat(
  url: string,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${url} exited with code ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/__heartbeat__`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not become healthy within 30 s`);
}

/** The folder given with --data-dir, or undefined; exits on bad arguments. */
function dataDirArgument(): string | undefined {
  try {
    const { values } = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const dir = values['data-dir'];
    return dir === undefined ? undefined : resolve(dir);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const dataDir = dataDirArgument();
  console.log('Starting NATS, Redis and the MongoDB-wire server...');
  await using services = await startServices({
    nats: true,
    redis: true,
    mongo: true,
    dataDir,
  });
  const env = {
    ...process.env,
    NATS_URL: services.nats.url,
    MONGODB_URL: services.mongo.url,
    LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
  };
  const collector = startComponent('collector', {
    ...env,
    COLLECTOR_PORT,
    COLLECTOR_HOST: process.env.COLLECTOR_HOST ?? '127.0.0.1',
  });
  const processor = startComponent('processor', {
    ...env,
    PROCESSOR_PORT,
    PROCESSOR_HOST: '127.0.0.1',
    PROCESSOR_SYMBOLS_PATHS: process.env.PROCESSOR_SYMBOLS_PATHS ?? '',
  });
  const adminToken =
    process.env.WEBAPP_ADMIN_TOKEN_SECRET ?? randomBytes(16).toString('hex');
  const webapp = startComponent('webapp', {
    ...env,
    REDIS_URL: services.redis.url,
    WEBAPP_PORT,
    WEBAPP_HOST: process.env.WEBAPP_HOST ?? '127.0.0.1',
    WEBAPP_ADMIN_TOKEN_SECRET: adminToken,
  });
  const children = [collector, processor, webapp];
  const url = `http://127.0.0.1:${COLLECTOR_PORT}`;
  await waitForHeartbeat(url, collector);
  await waitForHeartbeat(`http://127.0.0.1:${PROCESSOR_PORT}`, processor);
  const api = `http://127.0.0.1:${WEBAPP_PORT}`;
  await waitForHeartbeat(api, webapp);

  console.log(`
CrashStats is running.

  Submit URL:  ${url}/submit
  Heartbeat:   ${url}/__heartbeat__
  Metrics:     ${url}/metrics
  Processor:   http://127.0.0.1:${PROCESSOR_PORT}/__heartbeat__
  API:         ${api}/api/  (OpenAPI: ${api}/api/openapi.json)
  Admin token: ${adminToken}
  NATS:        ${services.nats.url}
  MongoDB:     ${services.mongo.url}${services.mongo.external ? ' (MONGODB_URL)' : ' (FerretDB)'}
  Redis:       ${services.redis.url}

Submit a crash:

  head -c 4096 /dev/urandom > /tmp/example.dmp
  curl -F ProductName=Example -F Version=1.0 \\
       -F upload_file_minidump=@/tmp/example.dmp ${url}/submit

Search the processed crashes:

  curl '${api}/api/SuperSearch/?product=Example&_facets=signature'

Create a token that may read protected fields:

  curl -H 'Auth-Token: ${adminToken}' -d user=admin -d permissions=view_pii ${api}/api/tokens/

Press Ctrl-C to stop; ${
    dataDir === undefined
      ? 'local data is discarded (keep it with --data-dir DIR).'
      : `the data stays in ${dataDir} for the next run.`
  }
`);

  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.race([stop, ...children.map((c) => once(c, 'exit'))]);
  for (const child of children) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  console.log('Stopped.');
}

await main();
