/**
 * Processor benchmark: crashes per second with a warm symbol cache over
 * the real corpus dumps, side by side in one run for
 *   - CrashStats: the processor's stack-walk pool (worker threads);
 *   - Breakpad's minidump_stackwalk, one process per crash, as Socorro ran
 *     its stack walker;
 *   - rust-minidump's minidump-stackwalk, one process per crash.
 * Each runs with the same number of crashes in flight (one per CPU by
 * default). Prints a table and the ratios, and memory per worker.
 *   npm run bench:processor -- [--rounds N] [--peer-rounds N]
 *     [--warmup-rounds N] [--workers N] [--corpus DIR]
 * Our pool is warmed with --warmup-rounds passes over the dumps first (a
 * running processor is warm); each peer process starts cold, as it does
 * when run once per crash.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '100' },
    'warmup-rounds': { type: 'string', default: '5' },
    'peer-rounds': { type: 'string', default: '20' },
    workers: { type: 'string', default: String(availableParallelism()) },
    corpus: {
      type: 'string',
      default: join(repo, '..', 'shared', 'testdata', 'minidumps'),
    },
  },
});
const workers = Number(values.workers);
const corpus = values.corpus;
if (!existsSync(join(corpus, 'dumps'))) {
  console.error(`bench:processor: no minidump corpus at ${corpus}`);
  process.exit(2);
}
const symbols = join(corpus, 'symbols');
// The malformed dumps measure error paths, not walking: left out.
const dumps = readdirSync(join(corpus, 'dumps'), {
  recursive: true,
  encoding: 'utf8',
})
  .filter((f) => f.endsWith('.dmp') && !f.startsWith('malformed'))
  .sort()
  .map((f) => join(corpus, 'dumps', f));

interface EngineResult {
  engine: string;
  crashes: number;
  seconds: number;
  perSecond: number;
  memory: string;
}

function peerPaths(): Record<string, string> {
  const out = spawnSync(
    'bash',
    [join(repo, 'bench/processor/install-peers.sh')],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (out.status !== 0) {
    throw new Error('install-peers.sh failed');
  }
  return Object.fromEntries(
    out.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
}

/** Runs `args(dump)` once per crash, `workers` at a time, under GNU time. */
async function perCrashProcesses(
  engine: string,
  bin: string,
  args: (dump: string) => string[],
  rounds: number,
): Promise<EngineResult> {
  const dir = await mkdtemp(join(tmpdir(), 'crashstats-bench-'));
  const jobs = Array.from({ length: rounds }, () => dumps).flat();
  const peaks: number[] = [];
  // A peer that exits early on an error would look fast: count failures.
  const failed = new Map<string, number>();
  let next = 0;
  const runOne = (dump: string, slot: number) =>
    new Promise<void>((resolve, reject) => {
      const timeFile = join(dir, `time-${slot}`);
      const child = spawn(
        '/usr/bin/time',
        ['-f', '%M', '-o', timeFile, bin, ...args(dump)],
        { stdio: 'ignore' },
      );
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) {
          failed.set(dump, code ?? -1);
        }
        void readFile(timeFile, 'utf8').then((text) => {
          const kb = Number(text.trim().split('\n').pop());
          if (Number.isFinite(kb)) {
            peaks.push(kb * 1024);
          }
          resolve();
        }, reject);
      });
    });
  const lane = async (slot: number) => {
    while (next < jobs.length) {
      await runOne(jobs[next++]!, slot);
    }
  };
  // Warm the page cache and the peer's own disk reads once.
  await Promise.all(dumps.map((d, i) => runOne(d, i % workers)));
  peaks.length = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, i) => lane(i)));
  const seconds = (performance.now() - started) / 1000;
  await rm(dir, { recursive: true, force: true });
  const peak = Math.max(...peaks);
  if (failed.size > 0) {
    console.error(
      `${engine}: ${failed.size} dumps failed: ` +
        [...failed].map(([d, c]) => `${d} (exit ${c})`).join(', '),
    );
  }
  return {
    engine,
    crashes: jobs.length,
    seconds,
    perSecond: jobs.length / seconds,
    memory: `peak RSS per process ${mib(peak)}`,
  };
}

function ours(rounds: number): EngineResult {
  const child = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      join(repo, 'bench/processor/ours.ts'),
      '--workers',
      String(workers),
      '--rounds',
      String(rounds),
      '--warmup-rounds',
      String(values['warmup-rounds']),
      '--symbols',
      symbols,
      ...dumps,
    ],
    { encoding: 'utf8', cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0) {
    throw new Error('the CrashStats walk failed');
  }
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    crashes: number;
    seconds: number;
    baselineRss: number;
    peakRss: number;
  };
  const perWorker = (r.peakRss - r.baselineRss) / workers;
  return {
    engine: `CrashStats (${workers} worker threads)`,
    crashes: r.crashes,
    seconds: r.seconds,
    perSecond: r.crashes / r.seconds,
    memory: `process peak RSS ${mib(r.peakRss)}, ~${mib(perWorker)} per worker above a ${mib(r.baselineRss)} base`,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

const peers = peerPaths();
const rounds = Number(values.rounds);
const peerRounds = Number(values['peer-rounds']);
console.log(
  `processor bench: ${dumps.length} dumps, ${workers} in flight, ` +
    `${rounds} rounds (peers ${peerRounds}), symbols from ${symbols}`,
);
const results: EngineResult[] = [ours(rounds)];
const breakpad = peers.BREAKPAD_STACKWALK;
if (breakpad) {
  results.push(
    await perCrashProcesses(
      'Breakpad minidump_stackwalk (process per crash)',
      breakpad,
      (d) => ['-m', d, symbols],
      peerRounds,
    ),
  );
}
const rust = peers.RUST_STACKWALK;
if (rust) {
  results.push(
    await perCrashProcesses(
      'rust-minidump minidump-stackwalk (process per crash)',
      rust,
      (d) => ['--json', '--symbols-path', symbols, d],
      peerRounds,
    ),
  );
}

const base = results[0]!;
console.log('');
console.log('| engine | crashes | seconds | crashes/s | ours ÷ it | memory |');
console.log('|---|---:|---:|---:|---:|---|');
for (const r of results) {
  const ratio = base.perSecond / r.perSecond;
  const cells = [
    r.engine,
    r.crashes,
    r.seconds.toFixed(2),
    r.perSecond.toFixed(1),
    `${ratio.toFixed(2)}×`,
    r.memory,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
const bp = results.find((r) => r.engine.startsWith('Breakpad'));
if (bp) {
  const ratio = base.perSecond / bp.perSecond;
  console.log(
    `\ntarget ≥ 5× Breakpad per-crash throughput: ${ratio.toFixed(2)}× → ` +
      (ratio >= 5 ? 'met' : 'NOT met'),
  );
}
