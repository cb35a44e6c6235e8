import { join } from 'node:path';

import { startMongo, type MongoServer } from './mongo.js';
import { startNats, type NatsServer } from './nats.js';
import { startRedis, type RedisServer } from './redis.js';

/** Which servers {@link startServices} should start. */
export interface ServiceSelection {
  readonly nats?: boolean;
  readonly redis?: boolean;
  readonly mongo?: boolean;
  /**
   * A folder to keep the servers' data in, one subfolder each (`nats`,
   * `redis`, `ferretdb`), left in place when they stop so the next start
   * finds it; temporary folders, removed at the end, by default.
   */
  readonly dataDir?: string;
}

/**
 * The handle type for flag `K`: the server when `S` sets it to `true`,
 * undefined when `S` leaves it out or sets `false`, either for a `boolean`.
 */
type Chosen<S, K extends keyof ServiceSelection, Server> = K extends keyof S
  ? S[K] extends true
    ? Server
    : S[K] extends false | undefined
      ? undefined
      : Server | undefined
  : undefined;

/** The servers {@link startServices} started, disposed together. */
export interface Services<
  S extends ServiceSelection = ServiceSelection,
> extends AsyncDisposable {
  readonly nats: Chosen<S, 'nats', NatsServer>;
  readonly redis: Chosen<S, 'redis', RedisServer>;
  readonly mongo: Chosen<S, 'mongo', MongoServer>;
}

async function startIf<T>(
  wanted: boolean | undefined,
  start: () => Promise<T>,
): Promise<T | undefined> {
  return wanted ? start() : undefined;
}

/** Disposes every server, even when some fail; then reports the failures. */
async function disposeAll(
  servers: readonly (AsyncDisposable | undefined)[],
): Promise<void> {
  const results = await Promise.allSettled(
    servers.map((server) =>
      server ? server[Symbol.asyncDispose]() : Promise.resolve(),
    ),
  );
  const errors = results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  if (errors.length > 0) {
    throw new AggregateError(errors, 'Some testkit servers failed to stop');
  }
}

function valueOf<T>(result: PromiseSettledResult<T>): T | undefined {
  return result.status === 'fulfilled' ? result.value : undefined;
}

/**
 * Starts the chosen servers in parallel. If any fails to start, the others
 * are disposed and the first failure is thrown.
 *
 * @param selection - `true` for each server to start; others stay undefined.
 * @returns The handles, with one async dispose for all of them.
 */
export async function startServices<const S extends ServiceSelection>(
  selection: S,
): Promise<Services<S>> {
  const root = selection.dataDir;
  const sub = (name: string) =>
    root === undefined ? undefined : join(root, name);
  const results = await Promise.allSettled([
    startIf(selection.nats, () => startNats({ dataDir: sub('nats') })),
    startIf(selection.redis, () => startRedis({ dataDir: sub('redis') })),
    startIf(selection.mongo, () => startMongo({ dataDir: sub('ferretdb') })),
  ]);
  const nats = valueOf(results[0]);
  const redis = valueOf(results[1]);
  const mongo = valueOf(results[2]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await disposeAll([nats, redis, mongo]).catch(() => undefined);
    throw failure.reason;
  }
  const services: Services = {
    nats,
    redis,
    mongo,
    [Symbol.asyncDispose]: () => disposeAll([nats, redis, mongo]),
  };
  // Each handle exists exactly when its flag in S is true, which the type
  // checker cannot follow through the runtime flags above.
  return services as unknown as Services<S>;
}
