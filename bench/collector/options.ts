/**
 * Command-line flags of the collector benchmark. Every flag can also be set
 * through an environment variable (flag wins), so CI or a shell loop can
 * vary one setting without editing the command.
 */
import { parseArgs } from 'node:util';

/** The three load shapes the benchmark knows. */
export type ScenarioName = 'a' | 'b' | 'c';

export const SCENARIO_TITLES: Record<ScenarioName, string> = {
  a: '300 KB plain',
  b: '300 KB gzip',
  c: 'large uploads',
};

/** Settled options of one benchmark run. */
export interface BenchOptions {
  scenarios: ScenarioName[];
  /** Seconds each of scenarios A and B sends for (ignored with `count`). */
  durationSeconds: number;
  /** Requests per scenario A/B instead of a duration; 0 means "use duration". */
  count: number;
  /** Concurrent clients of scenarios A and B. */
  concurrency: number;
  /** Seconds of unmeasured load before A and B, to warm the JIT and pools. */
  warmupSeconds: number;
  /** Dump size of scenarios A and B, in bytes. */
  dumpBytes: number;
  /** Concurrent uploads in scenario C. */
  bigConcurrency: number;
  /** Whole body size of each scenario C upload, in bytes. */
  bigBodyBytes: number;
  /** COLLECTOR_DUMP_CHUNK_BYTES given to the collector; unset = its default. */
  chunkBytes: number | undefined;
  /** Extra environment for the collector only, e.g. UV_THREADPOOL_SIZE. */
  collectorEnv: Record<string, string>;
  /** Extra node flags for the collector, e.g. --cpu-prof. */
  collectorNodeArgs: string[];
  /** testkit's MongoDB-wire server, or the do-nothing stub (ceiling). */
  storage: 'testkit' | 'stub';
  /** Where the JSON results go. */
  resultsDir: string;
}

const MIB = 1024 * 1024;

const USAGE = `Usage: npm run bench:collector -- [flags]

  --scenario=a,b,c      scenarios to run (BENCH_SCENARIOS; default a,b,c)
  --duration=SECONDS    length of scenarios A and B (BENCH_DURATION; default 20)
  --count=N             send N requests in A and B instead (BENCH_COUNT)
  --concurrency=N       clients in A and B (BENCH_CONCURRENCY; default 16)
  --warmup=SECONDS      unmeasured load before A and B (BENCH_WARMUP; default 2)
  --dump-kb=KB          dump size in A and B (BENCH_DUMP_KB; default 300)
  --big-concurrency=N   uploads in C (BENCH_BIG_CONCURRENCY; default 32)
  --big-bytes=BYTES     body size in C (BENCH_BIG_BYTES; default 25 MiB - 4 KiB)
  --chunk-bytes=BYTES   COLLECTOR_DUMP_CHUNK_BYTES for the collector
                        (BENCH_CHUNK_BYTES; default: the collector's own)
  --collector-env=K=V   extra environment for the collector process only;
                        repeatable (e.g. UV_THREADPOOL_SIZE=8)
  --collector-node-arg=FLAG
                        extra node flag for the collector; repeatable
                        (e.g. --collector-node-arg=--cpu-prof)
  --storage=KIND        testkit (default: FerretDB, or MONGODB_URL) or stub:
                        a MongoDB-wire stub that stores nothing, to measure
                        the collector's own ceiling (BENCH_STORAGE)
  --results-dir=DIR     where the JSON goes (default bench/results)
  --help                print this text
`;

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, not "${text}"`);
  }
  return value;
}

function positiveInteger(name: string, text: string): number {
  const value = positiveNumber(name, text);
  if (!Number.isInteger(value) || value === 0) {
    throw new Error(`${name} must be a positive integer, not "${text}"`);
  }
  return value;
}

function parseScenarios(text: string): ScenarioName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const known = Object.keys(SCENARIO_TITLES);
  for (const name of names) {
    if (!known.includes(name)) {
      throw new Error(`unknown scenario "${name}"; choose from a, b, c`);
    }
  }
  if (names.length === 0) {
    throw new Error('--scenario names no scenario');
  }
  return [...new Set(names)] as ScenarioName[];
}

function parseStorage(text: string): BenchOptions['storage'] {
  if (text !== 'testkit' && text !== 'stub') {
    throw new Error(`--storage is testkit or stub, not "${text}"`);
  }
  return text;
}

function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new Error(`--collector-env wants KEY=VALUE, not "${pair}"`);
    }
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

/**
 * Reads flags and BENCH_* variables. Returns undefined after printing the
 * usage text when `--help` is given.
 */
export function readOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      duration: { type: 'string' },
      count: { type: 'string' },
      concurrency: { type: 'string' },
      warmup: { type: 'string' },
      'dump-kb': { type: 'string' },
      'big-concurrency': { type: 'string' },
      'big-bytes': { type: 'string' },
      'chunk-bytes': { type: 'string' },
      'collector-env': { type: 'string', multiple: true },
      'collector-node-arg': { type: 'string', multiple: true },
      storage: { type: 'string' },
      'results-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return undefined;
  }
  const pick = (flag: string | undefined, variable: string) =>
    flag ?? (env[variable] || undefined);

  const chunk = pick(values['chunk-bytes'], 'BENCH_CHUNK_BYTES');
  return {
    scenarios: parseScenarios(
      pick(values.scenario, 'BENCH_SCENARIOS') ?? 'a,b,c',
    ),
    durationSeconds: positiveNumber(
      'duration',
      pick(values.duration, 'BENCH_DURATION') ?? '20',
    ),
    count: Math.floor(
      positiveNumber('count', pick(values.count, 'BENCH_COUNT') ?? '0'),
    ),
    concurrency: positiveInteger(
      'concurrency',
      pick(values.concurrency, 'BENCH_CONCURRENCY') ?? '16',
    ),
    warmupSeconds: positiveNumber(
      'warmup',
      pick(values.warmup, 'BENCH_WARMUP') ?? '2',
    ),
    dumpBytes:
      positiveInteger(
        'dump-kb',
        pick(values['dump-kb'], 'BENCH_DUMP_KB') ?? '300',
      ) * 1000,
    bigConcurrency: positiveInteger(
      'big-concurrency',
      pick(values['big-concurrency'], 'BENCH_BIG_CONCURRENCY') ?? '32',
    ),
    bigBodyBytes: positiveInteger(
      'big-bytes',
      pick(values['big-bytes'], 'BENCH_BIG_BYTES') ?? String(25 * MIB - 4096),
    ),
    chunkBytes:
      chunk === undefined ? undefined : positiveInteger('chunk-bytes', chunk),
    collectorEnv: parseEnvPairs(values['collector-env'] ?? []),
    collectorNodeArgs: values['collector-node-arg'] ?? [],
    storage: parseStorage(pick(values.storage, 'BENCH_STORAGE') ?? 'testkit'),
    resultsDir: values['results-dir'] ?? 'bench/results',
  };
}
