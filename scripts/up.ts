/**
 * Runs the platform locally: real servers from testkit, then the collector
 * as a child process, until Ctrl-C.
 *
 * LIMITATION: data lives in temporary folders and is removed on exit; see
 * docs/limitations.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServices } from '@crashstats/testkit';

const COLLECTOR_PORT = process.env.COLLECTOR_PORT ?? '8000';

async function waitForHeartbeat(
  url: string,
  child: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`collector exited with code ${child.exitCode}`);
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
  throw new Error('collector did not become healthy within 30 s');
}

async function main(): Promise<void> {
  console.log('Starting NATS, Redis and the MongoDB-wire server...');
  await using services = await startServices({
    nats: true,
    redis: true,
    mongo: true,
  });
  const collector = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'collector/src/main.ts'],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        NATS_URL: services.nats.url,
        MONGODB_URL: services.mongo.url,
        COLLECTOR_PORT,
        COLLECTOR_HOST: process.env.COLLECTOR_HOST ?? '127.0.0.1',
        LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
      },
    },
  );
  const url = `http://127.0.0.1:${COLLECTOR_PORT}`;
  await waitForHeartbeat(url, collector);

  console.log(`
CrashStats is running.

  Submit URL:  ${url}/submit
  Heartbeat:   ${url}/__heartbeat__
  Metrics:     ${url}/metrics
  NATS:        ${services.nats.url}
  MongoDB:     ${services.mongo.url}${services.mongo.external ? ' (MONGODB_URL)' : ' (FerretDB)'}
  Redis:       ${services.redis.url}

Submit a crash:

  head -c 4096 /dev/urandom > /tmp/example.dmp
  curl -F ProductName=Example -F Version=1.0 \\
       -F upload_file_minidump=@/tmp/example.dmp ${url}/submit

Press Ctrl-C to stop; local data is discarded.
`);

  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.race([stop, once(collector, 'exit')]);
  if (collector.exitCode === null) {
    collector.kill('SIGTERM');
    await once(collector, 'exit');
  }
  console.log('Stopped.');
}

await main();
