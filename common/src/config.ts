/**
 * Configuration from environment variables, validated by one zod schema per
 * component. Each key carries its description and, where local development
 * can live with it, a default; the README's configuration table is checked
 * against these schemas.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Keys ending like this hold secrets and are masked wherever logged. */
const SECRET_SUFFIXES = ['_SECRET', '_TOKEN', '_PASSWORD'] as const;

/** Settings every service reads. */
export const sharedSettings = {
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Lowest log level written to stdout.'),
  LOG_PRETTY: z
    .stringbool()
    .default(false)
    .describe('Human-readable logs instead of JSON lines (local runs only).'),
  VERSION_FILE: z
    .string()
    .default('version.json')
    .describe(
      'Path of the version.json served at /__version__ (commit, version, source, build).',
    ),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(25_000)
    .describe(
      'How long a graceful shutdown may take before the process exits anyway.',
    ),
} as const;

/** Settings of services that use MongoDB. */
export const mongoSettings = {
  MONGODB_URL: z
    .string()
    .default('mongodb://127.0.0.1:27017')
    .describe(
      'MongoDB connection string (credentials in it are masked in logs).',
    ),
  MONGODB_DATABASE: z
    .string()
    .default('crashstats')
    .describe('Database holding every CrashStats collection.'),
  MONGODB_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(5_000)
    .describe(
      'How long an operation waits for a reachable MongoDB server before failing.',
    ),
} as const;

/** Settings of services that use NATS JetStream. */
export const natsSettings = {
  NATS_URL: z
    .string()
    .default('nats://127.0.0.1:4222')
    .describe('NATS server URL(s), comma-separated.'),
  NATS_STREAM: z
    .string()
    .default('CRASHES')
    .describe('JetStream stream that holds crash ids to process.'),
  NATS_SUBJECT_PREFIX: z
    .string()
    .default('crashes')
    .describe(
      'Prefix of the crash subjects (<prefix>.standard, .priority, .reprocess).',
    ),
} as const;

/** One row of a configuration table. */
export interface SettingDescription {
  key: string;
  defaultValue: string | undefined;
  description: string;
  secret: boolean;
}

/** True when a key names a secret by its suffix. */
export function isSecretKey(key: string): boolean {
  return SECRET_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

/**
 * Reads and validates a component's configuration. Empty variables count as
 * unset. Throws a {@link ConfigError} naming every bad key at once.
 */
export function loadConfig<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<Shape>> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') {
      input[key] = value;
    }
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    );
  }
  return result.data;
}

/**
 * A copy of a loaded configuration fit for a log line: secret keys are
 * masked, and so is any password inside a URL.
 */
export function maskConfig(
  config: Record<string, unknown>,
): Record<string, unknown> {
  const masked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (isSecretKey(key) && value !== undefined) {
      masked[key] = '*****';
    } else if (typeof value === 'string') {
      masked[key] = maskUrlPassword(value);
    } else {
      masked[key] = value;
    }
  }
  return masked;
}

/** Replaces the password of `scheme://user:password@host` with stars. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@/]+@/i, '$1*****@');
}

/** Lists a schema's keys with their defaults and descriptions. */
export function describeSettings(
  schema: z.ZodObject<z.ZodRawShape>,
): SettingDescription[] {
  return Object.entries(schema.shape).map(([key, field]) => {
    const type = field as z.ZodType;
    const defaultValue =
      type instanceof z.ZodDefault
        ? formatDefault(type.def.defaultValue)
        : undefined;
    return {
      key,
      defaultValue,
      description: type.description ?? '',
      secret: isSecretKey(key),
    };
  });
}

function formatDefault(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value);
}
