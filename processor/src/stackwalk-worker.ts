/**
 * Worker-thread entry of the stack-walk pool: walks one minidump per job
 * with this thread's own symbol supplier and cache, and reports what the
 * symbol layer did so the main thread can count it.
 */
import { MongoClient, type Db } from 'mongodb';
import { stackwalk, toJsonDump } from './stackwalk/index.js';
import { createSymbolSupplier, type SymbolSettings } from './symbol-sources.js';
import type { SymbolEvent } from './symbols/index.js';
import { poolWorkerData, serveJobs } from './worker-host.js';
import type {
  StackwalkJob,
  StackwalkJobResult,
  StackwalkWorkerData,
  SymbolCounts,
} from './stackwalk-pool.js';

const data = poolWorkerData() as StackwalkWorkerData;

/** Counts of the current job, reset for each one. */
let counts: SymbolCounts = emptyCounts();

function emptyCounts(): SymbolCounts {
  return { cacheHits: 0, fetched: 0, missing: 0, corrupt: 0, bytes: 0 };
}

function onEvent(event: SymbolEvent): void {
  switch (event.type) {
    case 'cache-hit':
      counts.cacheHits += 1;
      break;
    case 'fetch':
      counts.fetched += 1;
      counts.bytes += event.bytes;
      break;
    case 'lookup':
      if (event.status === 'missing') {
        counts.missing += 1;
      } else if (event.status === 'corrupt') {
        counts.corrupt += 1;
      }
      break;
    default:
      break;
  }
}

/**
 * The store's database. The driver connects on first use, so a database
 * that is down costs a lookup error (the walk goes on), not the worker.
 */
function openStore(settings: StackwalkWorkerData): Db | undefined {
  if (settings.store === undefined) {
    return undefined;
  }
  const client = new MongoClient(settings.store.url, {
    appName: 'crashstats-processor-stackwalk',
    serverSelectionTimeoutMS: settings.store.timeoutMs,
    connectTimeoutMS: settings.store.timeoutMs,
    // Few lookups per walk: a small pool per worker is plenty.
    maxPoolSize: 2,
  });
  return client.db(settings.store.database);
}

const symbolSettings: SymbolSettings = data.symbols;
const supplier = createSymbolSupplier(symbolSettings, openStore(data), onEvent);

serveJobs(async (job: StackwalkJob): Promise<StackwalkJobResult> => {
  counts = emptyCounts();
  const started = performance.now();
  const result = await stackwalk(new Uint8Array(job.dump), {
    symbols: supplier,
    maxFrames: data.maxFrames,
  });
  const json = toJsonDump(result);
  return {
    json,
    walkMs: performance.now() - started,
    symbols: counts,
  };
});
