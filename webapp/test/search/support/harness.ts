/**
 * A MongoDB-wire server (FerretDB unless MONGODB_URL is set) with the test
 * crashes stored in a database of its own, and helpers to search it and
 * to check error answers.
 */
import assert from 'node:assert/strict';
import { MongoClient, type Db } from 'mongodb';
import { Collections } from '@crashstats/common';
import { mongoDatabaseName, startServices } from '@crashstats/testkit';
import { ApiError } from '../../../src/api/errors.js';
import { ANONYMOUS, type Principal } from '../../../src/auth/permissions.js';
import {
  superSearch,
  type SuperSearchOptions,
  type SuperSearchResult,
} from '../../../src/search/index.js';
import { buildCrashes, NOW, type Crash } from './crashes.js';

/** A seeded database and a search function bound to it. */
export interface SearchHarness extends AsyncDisposable {
  readonly db: Db;
  readonly crashes: readonly Crash[];
  /**
   * Searches at {@link NOW}, anonymously on SuperSearch with 20 s unless
   * `options` say otherwise.
   */
  search(
    query: Record<string, string | string[]>,
    options?: Partial<
      Pick<SuperSearchOptions, 'principal' | 'unredacted' | 'maxTimeMs'>
    >,
  ): Promise<SuperSearchResult>;
}

/** Turns single values into the arrays the search takes. */
export function queryOf(
  query: Record<string, string | string[]>,
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(query).map(([key, value]) => [
      key,
      Array.isArray(value) ? value : [value],
    ]),
  );
}

/** Starts the server and stores the crashes. */
export async function startSearchHarness(): Promise<SearchHarness> {
  const services = await startServices({ mongo: true });
  const client = new MongoClient(services.mongo.url);
  const db = client.db(mongoDatabaseName('search'));
  const crashes = buildCrashes();
  await db.collection<Crash>(Collections.processedCrashes).insertMany(crashes);
  return {
    db,
    crashes,
    search(query, options = {}) {
      const principal: Principal = options.principal ?? ANONYMOUS;
      return superSearch(queryOf(query), {
        db,
        principal,
        unredacted: options.unredacted ?? false,
        maxTimeMs: options.maxTimeMs ?? 20_000,
        now: () => NOW,
      });
    },
    async [Symbol.asyncDispose]() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await services[Symbol.asyncDispose]();
    },
  };
}

/** Asserts that `promise` rejects with an ApiError of this status and body. */
export async function assertApiError(
  promise: Promise<unknown>,
  status: number,
  body: Record<string, unknown>,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(
      error instanceof ApiError,
      `expected an ApiError: ${String(error)}`,
    );
    assert.equal(error.status, status);
    assert.deepEqual(error.body, body);
    return true;
  });
}
