/**
 * Wires the engine rules (stack walking and signatures) from configuration.
 */
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitSetting } from '@crashstats/common';
import type { ProcessorConfig } from './config.js';
import type { ProcessorMetrics } from './metrics.js';
import { createMinidumpRule } from './rules/minidump.js';
import { createSignatureRule } from './rules/signature.js';
import type { EngineRules } from './ruleset.js';
import { createStackwalkPool } from './stackwalk-pool.js';

/** Worker threads for stack walking the configuration asks for. */
export function stackwalkWorkers(config: ProcessorConfig): number {
  const wanted =
    config.PROCESSOR_WORKERS > 0
      ? config.PROCESSOR_WORKERS
      : availableParallelism();
  return Math.max(1, Math.min(wanted, config.PROCESSOR_CONCURRENCY));
}

/** Builds the engine rules the configuration asks for. */
export function createEngineRules(
  config: ProcessorConfig,
  metrics: ProcessorMetrics,
): EngineRules {
  const pool = createStackwalkPool({
    workers: stackwalkWorkers(config),
    timeoutMs: config.PROCESSOR_STACKWALK_TIMEOUT_MS,
    maxHeapMb: config.PROCESSOR_WORKER_HEAP_MB,
    metrics,
    workerData: {
      symbols: {
        paths: splitSetting(config.PROCESSOR_SYMBOLS_PATHS),
        urls: splitSetting(config.PROCESSOR_SYMBOLS_URLS),
        httpCacheDir:
          config.PROCESSOR_SYMBOLS_CACHE_DIR ||
          join(tmpdir(), `crashstats-symbols-${process.pid}`),
        httpCacheMaxBytes: config.PROCESSOR_SYMBOLS_DISK_CACHE_BYTES,
        cacheBytes: config.PROCESSOR_SYMBOLS_CACHE_BYTES,
        httpTimeoutMs: config.PROCESSOR_SYMBOLS_HTTP_TIMEOUT_MS,
        missTtlMs: config.PROCESSOR_SYMBOLS_MISS_TTL_MS,
      },
      store: config.PROCESSOR_SYMBOLS_STORE
        ? {
            url: config.MONGODB_URL,
            database: config.MONGODB_DATABASE,
            timeoutMs: config.MONGODB_TIMEOUT_MS,
          }
        : undefined,
      maxFrames: config.PROCESSOR_MAX_FRAMES,
    },
  });
  return {
    minidump: createMinidumpRule(pool.walk),
    signature: createSignatureRule(),
    close: () => pool.close(),
  };
}
