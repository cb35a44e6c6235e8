/**
 * The processor's configuration: every key, its default and its meaning.
 * `loadProcessorConfig` is called once, by main.ts.
 */
import { z } from 'zod';
import {
  loadConfig,
  mongoSettings,
  natsSettings,
  sharedSettings,
} from '@crashstats/common';

export const processorConfigSchema = z.object({
  ...sharedSettings,
  ...mongoSettings,
  ...natsSettings,
  PROCESSOR_HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Address of the Dockerflow and metrics endpoints.'),
  PROCESSOR_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8001)
    .describe('Port of the Dockerflow and metrics endpoints.'),
  PROCESSOR_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Crashes processed at the same time by one processor.'),
  PROCESSOR_REPROCESS_SHARE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe(
      'One pick in this many goes to the reprocess queue while the ' +
        'standard queue has work (priority always comes first).',
    ),
  PROCESSOR_MAX_DELIVER: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(5)
    .describe(
      'Deliveries of one crash before it is stored as failed, with the ' +
        'error in its notes, instead of being retried.',
    ),
  PROCESSOR_ACK_WAIT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(300_000)
    .describe(
      'How long a crash may stay unacknowledged before it is delivered ' +
        'again (a processor that died holds it this long).',
    ),
  PROCESSOR_CRASH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(120_000)
    .describe('Time limit for processing one crash.'),
  PROCESSOR_SYMBOLS_PATHS: z
    .string()
    .default('')
    .describe(
      'Comma-separated local folders of .sym files in symbol-server layout.',
    ),
  PROCESSOR_SYMBOLS_URLS: z
    .string()
    .default('')
    .describe('Comma-separated HTTP symbol servers in symbol-server layout.'),
  PROCESSOR_SYMBOLS_CACHE_DIR: z
    .string()
    .default('')
    .describe(
      'Disk cache for symbol files fetched over HTTP (empty: a temporary folder).',
    ),
  PROCESSOR_SYMBOLS_DISK_CACHE_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(2 * 1024 * 1024 * 1024)
    .describe(
      'Bound of the disk cache of symbol files fetched over HTTP, in bytes; ' +
        'the least recently used files go first.',
    ),
  PROCESSOR_SYMBOLS_CACHE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024)
    .describe(
      'Memory bound of the parsed symbol table cache of each stack-walk ' +
        'worker, in bytes.',
    ),
  PROCESSOR_SYMBOLS_STORE: z
    .stringbool()
    .default(true)
    .describe(
      "Look symbols up in the platform's own store (GridFS bucket " +
        '`symbols`), after the local folders and before the HTTP servers.',
    ),
  PROCESSOR_SYMBOLS_MISS_TTL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(300_000)
    .describe(
      'How long a module no source has symbols for is remembered as ' +
        'missing before the sources are asked again (0: ask every time).',
    ),
  PROCESSOR_SYMBOLS_HTTP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10_000)
    .describe('Time limit of one symbol download from an HTTP server.'),
  PROCESSOR_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(0)
    .describe(
      'Stack-walk worker threads (0: one per CPU, at most ' +
        'PROCESSOR_CONCURRENCY).',
    ),
  PROCESSOR_STACKWALK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe(
      'Time limit for walking one minidump; the worker is replaced and the ' +
        'crash gets a note when it is exceeded.',
    ),
  PROCESSOR_WORKER_HEAP_MB: z.coerce
    .number()
    .int()
    .min(64)
    .default(1024)
    .describe(
      'Heap limit of one stack-walk worker, in MiB; a dump that needs more ' +
        'gets a note instead of taking the processor down.',
    ),
  PROCESSOR_MAX_FRAMES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024)
    .describe('Frames walked per thread at most.'),
});

/** The processor's validated configuration. */
export type ProcessorConfig = z.infer<typeof processorConfigSchema>;

/** Reads the processor configuration; throws on any bad key. */
export function loadProcessorConfig(
  env: Record<string, string | undefined> = process.env,
): ProcessorConfig {
  return loadConfig(processorConfigSchema, env);
}
