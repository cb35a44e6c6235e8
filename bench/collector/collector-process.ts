/**
 * Runs the collector as its own process, started the way `npm -w
 * @crashstats/collector start` starts it, so its memory and CPU are its own
 * and not mixed with the load generator's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort, LOOPBACK } from '@crashstats/testkit';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const KEPT_LINES = 40;

/** Where the collector's dependencies are and how to tune it. */
export interface CollectorSettings {
  mongoUrl: string;
  database: string;
  natsUrl: string;
  /** COLLECTOR_DUMP_CHUNK_BYTES; the collector's default when undefined. */
  chunkBytes: number | undefined;
  /** Extra variables for the collector only; they win over the above. */
  extraEnv: Record<string, string>;
  /** Extra node flags, placed before the script. */
  nodeArgs: string[];
}

/** A running collector child. */
export interface CollectorProcess {
  pid: number;
  url: string;
  /** Warnings and errors it logged (LOG_LEVEL=warn keeps only those). */
  logLines(): string[];
  /** How many log lines it wrote in all. */
  logCount(): number;
  /** SIGTERM, a wait for the graceful shutdown, SIGKILL if that stalls. */
  stop(): Promise<void>;
}

function heartbeat(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/__lbheartbeat__`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts the collector on a free port and waits for its heartbeat. */
export async function startCollectorProcess(
  settings: CollectorSettings,
): Promise<CollectorProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COLLECTOR_HOST: LOOPBACK,
    COLLECTOR_PORT: String(port),
    MONGODB_URL: settings.mongoUrl,
    MONGODB_DATABASE: settings.database,
    NATS_URL: settings.natsUrl,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
  };
  if (settings.chunkBytes !== undefined) {
    env.COLLECTOR_DUMP_CHUNK_BYTES = String(settings.chunkBytes);
  } else {
    delete env.COLLECTOR_DUMP_CHUNK_BYTES;
  }
  Object.assign(env, settings.extraEnv);
  const child = spawn(
    process.execPath,
    [
      ...settings.nodeArgs,
      '--conditions=source',
      '--import',
      'tsx',
      'collector/src/main.ts',
    ],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let count = 0;
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') {
        continue;
      }
      count += 1;
      lines.push(line);
      if (lines.length > KEPT_LINES) {
        lines.shift();
      }
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');

  const url = `http://${LOOPBACK}:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await heartbeat(url))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `collector exited before it was ready:\n${lines.join('\n')}`,
      );
    }
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(
        `collector not ready after ${READY_TIMEOUT_MS} ms:\n${lines.join('\n')}`,
      );
    }
    await sleep(100);
  }
  if (child.pid === undefined) {
    throw new Error('collector has no pid');
  }
  const pid = child.pid;
  return {
    pid,
    url,
    logLines: () => [...lines],
    logCount: () => count,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<unknown>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
