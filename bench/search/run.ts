/**
 * Search benchmark: seeds a realistic set of processed crashes and times
 * the queries dashboards make, through the web app's HTTP API:
 *   A  the signature facet over the last 7 days (Super Search);
 *   B  Top Crashers of one product over 7 days;
 *   C  a filtered hits query (product, platform, beta versions; 100 hits).
 * Signatures follow a Zipf distribution; products, versions, platforms and
 * channels are weighted as real crash traffic is. The server is FerretDB
 * from testkit, or the MongoDB in MONGODB_URL.
 *   npm run bench:search -- [--crashes N] [--runs N] [--signatures N]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import {
  Collections,
  createCrashId,
  createLogger,
  createMetricsRegistry,
  ProcessedCrashStorage,
  type ProcessedCrashDocument,
} from '@crashstats/common';
import { mongoDatabaseName, startServices } from '@crashstats/testkit';
import { loadWebappConfig } from '../../webapp/src/config.js';
import { startWebapp } from '../../webapp/src/server.js';

const { values } = parseArgs({
  options: {
    crashes: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    signatures: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '5000' },
  },
});
const CRASHES = Number(values.crashes);
const RUNS = Number(values.runs);
const SIGNATURES = Number(values.signatures);
const BATCH = Number(values.batch);
const DAY = 86_400_000;
const DAYS = 14;

/** A deterministic generator, so runs seed the same data. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261203);

function weighted<T>(choices: readonly (readonly [T, number])[]): () => T {
  const total = choices.reduce((n, [, w]) => n + w, 0);
  return () => {
    let r = random() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) {
        return value;
      }
    }
    return choices.at(-1)![0];
  };
}

/** Zipf(s = 1.1) over `n` ranks, by inverse transform on the cumulative weights. */
function zipf(n: number, s = 1.1): () => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** s;
    cumulative[k - 1] = sum;
  }
  return () => {
    const r = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
}

const product = weighted([
  ['Firefox', 70],
  ['Fenix', 18],
  ['Thunderbird', 8],
  ['Focus', 4],
] as const);
const versions: Record<string, () => string> = {
  Firefox: weighted([
    ['128.0', 40],
    ['128.0.1', 20],
    ['129.0b3', 10],
    ['129.0b4', 8],
    ['130.0a1', 5],
    ['115.14.0esr', 17],
  ]),
  Fenix: weighted([
    ['128.0', 60],
    ['129.0b3', 25],
    ['130.0a1', 15],
  ]),
  Thunderbird: weighted([
    ['128.1.0', 70],
    ['129.0b2', 30],
  ]),
  Focus: weighted([['128.0', 100]]),
};
const desktopOs = weighted([
  ['Windows NT', 78],
  ['Mac OS X', 12],
  ['Linux', 10],
] as const);
const signature = zipf(SIGNATURES);
const percentiles = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
};

const services = await startServices({ nats: true, redis: true, mongo: true });
const database = mongoDatabaseName('bench_search');
const client = new MongoClient(services.mongo.url);
const db = client.db(database);
const log = (msg: string) => console.error(`[bench:search] ${msg}`);
try {
  const server = services.mongo.external
    ? 'MongoDB (MONGODB_URL)'
    : 'FerretDB v1 (SQLite), testkit';
  log(`seeding ${CRASHES} crashes, ${SIGNATURES} signatures, into ${server}`);
  await new ProcessedCrashStorage(db).ensureIndexes();
  const crashes = db.collection<ProcessedCrashDocument>(
    Collections.processedCrashes,
  );
  const firstSeen = new Map<string, Date>();
  const now = Date.now();
  const seedStarted = performance.now();
  for (let done = 0; done < CRASHES; done += BATCH) {
    const docs: ProcessedCrashDocument[] = [];
    for (let i = done; i < Math.min(CRASHES, done + BATCH); i++) {
      const when = new Date(now - random() * DAYS * DAY);
      const p = product();
      const version = versions[p]!();
      const os = p === 'Fenix' || p === 'Focus' ? 'Android' : desktopOs();
      const sig = `sig${signature()} | frame`;
      const uuid = createCrashId(when, 0, randomUUID);
      docs.push({
        _id: uuid,
        uuid,
        date_processed: when,
        product: p,
        version,
        release_channel: version.includes('esr')
          ? 'esr'
          : version.includes('a')
            ? 'nightly'
            : version.includes('b')
              ? 'beta'
              : 'release',
        os_name: os,
        cpu_arch: os === 'Android' ? 'arm64' : random() < 0.9 ? 'amd64' : 'x86',
        process_type: weighted([
          ['parent', 50],
          ['content', 35],
          ['gpu', 15],
        ] as const)(),
        signature: sig,
        uptime: Math.floor(random() * 100_000),
        install_time: 1_700_000_000 + Math.floor(random() * 5_000_000),
        build: '20261201093015',
        success: true,
      });
      const seen = firstSeen.get(sig);
      if (seen === undefined || seen > when) {
        firstSeen.set(sig, when);
      }
    }
    await crashes.insertMany(docs, { ordered: false });
    if ((done / BATCH) % 20 === 0) {
      log(`  ${done + docs.length} stored`);
    }
  }
  const signatures = db.collection(Collections.signatures);
  const sigDocs = [...firstSeen].map(([name, first]) => ({
    _id: name,
    first_seen: first,
    last_seen: first,
    crash_count: 0,
  }));
  for (let i = 0; i < sigDocs.length; i += BATCH) {
    await signatures.insertMany(sigDocs.slice(i, i + BATCH) as never[], {
      ordered: false,
    });
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`seeded in ${seedSeconds.toFixed(0)} s`);

  const config = loadWebappConfig({
    MONGODB_URL: services.mongo.url,
    MONGODB_DATABASE: database,
    NATS_URL: services.nats.url,
    REDIS_URL: services.redis.url,
    WEBAPP_HOST: '127.0.0.1',
    WEBAPP_PORT: '0',
    WEBAPP_RATE_LIMIT_ANONYMOUS: '0',
    WEBAPP_SEARCH_TIMEOUT_MS: '600000',
    // The stand-in can take minutes over a large set; let the socket wait.
    MONGODB_TIMEOUT_MS: '100000',
    LOG_LEVEL: 'warn',
  });
  const webapp = await startWebapp({
    config,
    log: createLogger({ service: 'webapp', version: 'bench', level: 'warn' }),
    registry: createMetricsRegistry('webapp'),
    version: {
      commit: 'bench',
      version: 'bench',
      source: 'bench',
      build: 'bench',
    },
  });
  const queries = {
    'A signature facet, 7 days':
      '/api/SuperSearch/?_results_number=0&_facets=signature&_facets_size=50',
    'B Top Crashers, Firefox, 7 days':
      '/api/TopCrashers/?product=Firefox&days=7&rows=50',
    'C filtered hits (Firefox, Windows, 129.0b)':
      '/api/SuperSearch/?product=Firefox&platform=Windows%20NT&version=129.0b' +
      '&_columns=uuid&_columns=signature&_results_number=100&_facets_size=0',
  };
  const rows: string[] = [];
  for (const [name, path] of Object.entries(queries)) {
    const times: number[] = [];
    let status = 0;
    let sample = '';
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      const res = await fetch(`${webapp.url}${path}`);
      const text = await res.text();
      const ms = performance.now() - started;
      status = res.status;
      sample = text.slice(0, 120);
      if (res.status !== 200) {
        throw new Error(`${name}: ${res.status} ${text}`);
      }
      // The first run warms the server's caches and is not counted.
      if (run > 0) {
        times.push(ms);
      }
    }
    const p = percentiles(times);
    log(`${name}: ${status} ${sample}`);
    rows.push(
      `| ${name} | ${p.p50.toFixed(0)} | ${p.p95.toFixed(0)} | ${p.max.toFixed(0)} |`,
    );
  }
  await webapp.close();
  console.log(
    `\nsearch bench: ${CRASHES} crashes over ${DAYS} days, ${firstSeen.size} signatures, ${server}, ${RUNS} runs each`,
  );
  console.log(
    `seeding: ${seedSeconds.toFixed(0)} s (${(CRASHES / seedSeconds).toFixed(0)} crashes/s)`,
  );
  console.log('| query | p50 ms | p95 ms | max ms |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(row);
  }
} finally {
  await client.close();
  await services[Symbol.asyncDispose]();
}
