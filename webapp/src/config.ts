/**
 * The web app's configuration: every key, its default and its meaning.
 * `loadWebappConfig` is called once, by main.ts.
 */
import { z } from 'zod';
import {
  loadConfig,
  mongoSettings,
  natsSettings,
  sharedSettings,
} from '@crashstats/common';

export const webappConfigSchema = z.object({
  ...sharedSettings,
  ...mongoSettings,
  ...natsSettings,
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .describe(
      'Redis server URL; rate-limit counters are shared through it (a password in it is masked in logs).',
    ),
  WEBAPP_HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Address the web app listens on.'),
  WEBAPP_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8080)
    .describe('Port of the API, the Dockerflow endpoints and /metrics.'),
  WEBAPP_TRUST_PROXY: z
    .stringbool()
    .default(false)
    .describe(
      'Take the client address from X-Forwarded-For (set it behind an ingress or load balancer that sets ' +
        'the header; unset, a client could claim any address to escape the anonymous rate limit).',
    ),
  WEBAPP_ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9_.@+-]{1,150}$/)
    .default('admin')
    .describe(
      'Name of the first administrator, created at start-up with every permission.',
    ),
  WEBAPP_ADMIN_TOKEN_SECRET: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters')
    .optional()
    .describe(
      'API token of the first administrator (32 hex characters); it can create the other tokens. ' +
        'Unset: no token is configured, create one with crashstats-admin.',
    ),
  WEBAPP_TOKEN_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(90)
    .describe('Default lifetime of a new API token, in days.'),
  WEBAPP_RATE_LIMIT_ANONYMOUS: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe(
      'API requests per minute from one address without a token (0: no limit).',
    ),
  WEBAPP_RATE_LIMIT_AUTHENTICATED: z.coerce
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('API requests per minute with one token (0: no limit).'),
  WEBAPP_SEARCH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(20000)
    .describe(
      'Time limit of one Super Search query on the database (regular-expression filters included).',
    ),
  WEBAPP_SYMBOLS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(512 * 1024 * 1024)
    .describe(
      'Largest symbol upload: one .sym file, or one zip and its uncompressed contents, in bytes (413 above).',
    ),
  WEBAPP_REPROCESS_BATCH: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe(
      'Crash ids one Reprocessing request publishes before pausing, so a bulk request does not flood the queue.',
    ),
  WEBAPP_REPROCESS_PAUSE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('Pause between batches of a bulk Reprocessing request.'),
});

export type WebappConfig = z.infer<typeof webappConfigSchema>;

/** Reads the configuration from the environment; throws a ConfigError. */
export function loadWebappConfig(
  env: Record<string, string | undefined>,
): WebappConfig {
  return loadConfig(webappConfigSchema, env);
}
