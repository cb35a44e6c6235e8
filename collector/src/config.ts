/**
 * The collector's configuration: every key, its default and what it means.
 * `loadCollectorConfig` is called once, by main.ts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  loadConfig,
  mongoSettings,
  natsSettings,
  parseThrottleRules,
  sharedSettings,
  type ThrottleRule,
} from '@crashstats/common';

const MIB = 1024 * 1024;

export const collectorConfigSchema = z.object({
  ...sharedSettings,
  ...mongoSettings,
  ...natsSettings,
  COLLECTOR_HOST: z
    .string()
    .default('0.0.0.0')
    .describe('Address the collector listens on.'),
  COLLECTOR_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(8000)
    .describe('Port of POST /submit and the Dockerflow endpoints.'),
  COLLECTOR_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(25 * MIB)
    .describe(
      'Largest accepted body, in bytes; bounds the decompressed size of gzip bodies too (413 above).',
    ),
  COLLECTOR_DUMP_CHUNK_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(8 * MIB)
    .default(MIB)
    .describe('GridFS chunk size used to store dumps.'),
  COLLECTOR_JSON_AND_FORM_ANNOTATIONS: z
    .enum(['accept', 'reject'])
    .default('accept')
    .describe(
      'What to do with a crash that sends both a JSON annotations part and ' +
        'form annotations: accept with a collector note, or reject as ' +
        'malformed_has_json_and_kv.',
    ),
  COLLECTOR_REMOVED_ANNOTATIONS: z
    .string()
    .default('Email,TelemetryClientId,TelemetryServerURL,TelemetrySessionId')
    .describe(
      'Comma-separated annotations removed before a crash is stored (each removal leaves a collector note).',
    ),
  COLLECTOR_THROTTLE_RULES: z
    .string()
    .optional()
    .describe(
      'Throttle rules as JSON (see docs/throttling.md); the default accepts every crash.',
    ),
  COLLECTOR_THROTTLE_RULES_FILE: z
    .string()
    .optional()
    .describe(
      'Path of a JSON file with the throttle rules (instead of COLLECTOR_THROTTLE_RULES).',
    ),
  COLLECTOR_STAGE_SUBMITTER_TOKEN: z
    .string()
    .optional()
    .describe(
      'Bearer token that lets a submission choose its crash id through a ' +
        'uuid annotation (replaying crashes between deployments).',
    ),
  COLLECTOR_PUBLISH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(2_000)
    .describe(
      'How long publishing a crash id may take before the crash is left for the sweeper.',
    ),
  COLLECTOR_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe(
      'How often the sweeper looks for stored crashes whose id never reached the stream.',
    ),
  COLLECTOR_SWEEP_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60_000)
    .describe(
      'How old an unqueued crash must be before the sweeper publishes it.',
    ),
});

/** The collector's validated configuration. */
export type CollectorConfig = z.infer<typeof collectorConfigSchema>;

/** Reads the collector configuration from the environment; throws on any bad key. */
export function loadCollectorConfig(
  env: Record<string, string | undefined> = process.env,
): CollectorConfig {
  return loadConfig(collectorConfigSchema, env);
}

/** The throttle rules the configuration names, or the accept-all default. */
export function loadThrottleRules(config: CollectorConfig): ThrottleRule[] {
  if (config.COLLECTOR_THROTTLE_RULES_FILE) {
    return parseThrottleRules(
      readFileSync(config.COLLECTOR_THROTTLE_RULES_FILE, 'utf8'),
    );
  }
  if (config.COLLECTOR_THROTTLE_RULES) {
    return parseThrottleRules(config.COLLECTOR_THROTTLE_RULES);
  }
  return [{ name: 'accept_everything', result: 'accept' }];
}
