/**
 * Ingestion latency: how long from a crash report's submission to the
 * collector until its processed crash is stored, one crash at a time, with
 * the collector and the processor running as the programs they are on the
 * real NATS and MongoDB-wire servers.
 *   npm run bench:latency -- [--crashes N] [--corpus DIR]
 * Submits the corpus's test.dmp (Windows x86, with its symbols) with
 * Firefox-style annotations, after one warm-up crash.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import {
  freePort,
  LOOPBACK,
  mongoDatabaseName,
  startServices,
} from '@crashstats/testkit';
import { startCollectorProcess } from '../collector/collector-process.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    crashes: { type: 'string', default: '50' },
    corpus: {
      type: 'string',
      default: join(repo, '..', 'shared', 'testdata', 'minidumps'),
    },
  },
});
const corpus = values.corpus;
const dumpPath = join(corpus, 'dumps', 'windows-x86', 'test.dmp');
if (!existsSync(dumpPath)) {
  console.error(`bench:latency: no minidump corpus at ${corpus}`);
  process.exit(2);
}
const dump = await readFile(dumpPath);
const crashes = Number(values.crashes);

const services = await startServices({ nats: true, mongo: true });
const database = mongoDatabaseName('latency');
const mongoUrl = services.mongo.url;
const collector = await startCollectorProcess({
  mongoUrl,
  database,
  natsUrl: services.nats.url,
  chunkBytes: undefined,
  extraEnv: {},
  nodeArgs: [],
});
const processorPort = await freePort();
const processor = spawn(
  process.execPath,
  ['--conditions=source', '--import', 'tsx', 'processor/src/main.ts'],
  {
    cwd: repo,
    env: {
      ...process.env,
      MONGODB_URL: mongoUrl,
      MONGODB_DATABASE: database,
      NATS_URL: services.nats.url,
      PROCESSOR_HOST: LOOPBACK,
      PROCESSOR_PORT: String(processorPort),
      PROCESSOR_SYMBOLS_PATHS: join(corpus, 'symbols'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const ready = Date.now() + 60_000;
while (
  !(
    await fetch(`http://${LOOPBACK}:${processorPort}/__lbheartbeat__`).catch(
      () => undefined,
    )
  )?.ok
) {
  if (Date.now() > ready || processor.exitCode !== null) {
    throw new Error('the processor did not start');
  }
  await sleep(100);
}
const client = new MongoClient(mongoUrl);
const processed = client.db(database).collection('processed_crashes');

async function submit(): Promise<string> {
  const form = new FormData();
  form.append(
    'extra',
    new Blob(
      [
        JSON.stringify({
          ProductName: 'LatencyBench',
          Version: '1.0',
          BuildID: '20261201000000',
          ReleaseChannel: 'nightly',
        }),
      ],
      { type: 'application/json' },
    ),
  );
  form.append(
    'upload_file_minidump',
    new Blob([dump], { type: 'application/octet-stream' }),
    'test.dmp',
  );
  const res = await fetch(`${collector.url}/submit`, {
    method: 'POST',
    body: form,
  });
  const body = await res.text();
  const crashId = /^CrashID=bp-(.+)\n$/.exec(body)?.[1];
  if (res.status !== 200 || crashId === undefined) {
    throw new Error(`submission refused: ${res.status} ${body}`);
  }
  return crashId;
}

/** Milliseconds from submission until the processed crash is stored. */
async function oneCrash(): Promise<number> {
  const started = performance.now();
  const crashId = await submit();
  const deadline = Date.now() + 30_000;
  while ((await processed.findOne({ uuid: crashId })) === null) {
    if (Date.now() > deadline) {
      throw new Error(`crash ${crashId} not processed within 30 s`);
    }
    await sleep(2);
  }
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

try {
  const first = await oneCrash();
  const times: number[] = [];
  for (let i = 0; i < crashes; i++) {
    times.push(await oneCrash());
  }
  times.sort((a, b) => a - b);
  const fmt = (ms: number) => ms.toFixed(0);
  console.log(
    `ingestion latency, submit → processed crash stored, ${crashes} ` +
      `crashes one at a time (test.dmp, ${dump.length} bytes)`,
  );
  console.log('| first crash ms | p50 ms | p95 ms | max ms |');
  console.log('|---:|---:|---:|---:|');
  console.log(
    `| ${fmt(first)} | ${fmt(percentile(times, 0.5))} | ${fmt(percentile(times, 0.95))} | ${fmt(times.at(-1)!)} |`,
  );
} finally {
  processor.kill('SIGTERM');
  await collector.stop();
  await client.close();
  await services[Symbol.asyncDispose]();
}
