/**
 * What the API endpoints need from the running web app: storage, the crash
 * queues, Redis, configuration and a clock. `server.ts` builds the real
 * ones; tests build them over real servers too.
 */
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type {
  CrashQueue,
  Logger,
  MongoCrashStorage,
  ProcessedCrashStorage,
} from '@crashstats/common';
import type { AccessStore } from '../auth/tokens.js';
import type { WebappConfig } from '../config.js';

/** Publishes crash ids to the processing queues. */
export interface CrashQueues {
  publish(queue: CrashQueue, payload: string, msgId?: string): Promise<void>;
}

/** Dependencies of every endpoint. */
export interface ApiDeps {
  readonly db: Db;
  readonly rawCrashes: MongoCrashStorage;
  readonly processedCrashes: ProcessedCrashStorage;
  /** Users and API tokens (the access layer reads the same store). */
  readonly access: AccessStore;
  readonly queues: CrashQueues;
  readonly redis: Redis;
  readonly config: WebappConfig;
  readonly log: Logger;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}
