/**
 * Child process of the processor benchmark: walks the given dumps through
 * the processor's own stack-walk pool (worker threads, each with a symbol
 * cache) and prints one JSON line with the throughput and memory. Runs as
 * its own process so its resident memory is ours alone.
 *   node --conditions=source --import tsx bench/processor/ours.ts \
 *     --workers N --rounds N [--warmup-rounds N] --symbols DIR DUMP...
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStackwalkPool } from '../../processor/src/stackwalk-pool.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '20' },
    'warmup-rounds': { type: 'string', default: '5' },
    symbols: { type: 'string' },
  },
});
const workers = Number(values.workers);
const rounds = Number(values.rounds);
const dumps = await Promise.all(positionals.map((p) => readFile(p)));
const baselineRss = process.memoryUsage().rss;

const pool = createStackwalkPool({
  workers,
  timeoutMs: 120_000,
  maxHeapMb: 2048,
  workerData: {
    symbols: {
      paths: values.symbols ? [values.symbols] : [],
      urls: [],
      httpCacheDir: join(tmpdir(), `crashstats-bench-${process.pid}`),
      httpCacheMaxBytes: 1024 * 1024 * 1024,
      cacheBytes: 512 * 1024 * 1024,
      httpTimeoutMs: 10_000,
      missTtlMs: 300_000,
    },
    maxFrames: 1024,
  },
});

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

/** Walks `jobs` dumps with `workers` in flight; returns the frames seen. */
async function walkAll(jobs: Buffer[]): Promise<number> {
  let next = 0;
  let frames = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const dump = jobs[next++]!;
      const json = await pool.walk(dump);
      frames += countFrames(json);
    }
  };
  await Promise.all(Array.from({ length: workers }, lane));
  return frames;
}

function countFrames(json: Record<string, unknown>): number {
  const threads = Array.isArray(json.threads) ? json.threads : [];
  return threads.reduce<number>((n, t: { frames?: unknown[] }) => {
    return n + (Array.isArray(t.frames) ? t.frames.length : 0);
  }, 0);
}

// Warm-up: every worker sees every dump several times, so every symbol
// file is parsed and cached and the hot code is compiled before the clock
// starts, as in a processor that has been running for a while.
const warmupRounds = Math.max(1, Number(values['warmup-rounds']));
await walkAll(
  Array.from({ length: workers * warmupRounds }, () => dumps).flat(),
);
const jobs = Array.from({ length: rounds }, () => dumps).flat();
const started = performance.now();
const frames = await walkAll(jobs);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await pool.close();
process.stdout.write(
  `${JSON.stringify({ crashes: jobs.length, seconds, frames, baselineRss, peakRss })}\n`,
);
