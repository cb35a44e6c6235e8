/**
 * Structured logging with pino. Messages are constant sentences; the data
 * goes in fields named from one glossary (see the common README), so logs
 * are queried by field rather than by regex.
 */
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names used across every component's logs. */
export const LogFields = {
  service: 'service',
  version: 'version',
  component: 'component',
  crashId: 'crashId',
  rule: 'rule',
  reason: 'reason',
  jobId: 'jobId',
  queue: 'queue',
  stream: 'stream',
  subject: 'subject',
  consumer: 'consumer',
  durationMs: 'durationMs',
  err: 'err',
} as const;

/** Options for the root logger of one service. */
export interface LoggerOptions {
  service: string;
  version: string;
  level: string;
  pretty?: boolean;
}

/** Paths whose values never reach a log line. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["auth-token"]',
  '*.token',
  '*.password',
];

/**
 * Creates the root logger of a service. Only `main.ts` calls this; library
 * code takes a logger as a dependency.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    level: options.level,
    base: { service: options.service, version: options.version },
    redact: { paths: REDACT_PATHS, censor: '*****' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true } } }
      : {}),
  });
}
