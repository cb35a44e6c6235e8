/**
 * MongoDB access. Each collection's indexes are created by the code that
 * owns it, at start-up, idempotently. Queries stay within what both MongoDB 7
 * and the FerretDB v1 stand-in accept (see docs/mongodb.md).
 */
import { MongoClient } from 'mongodb';

/** Collection and GridFS bucket names. */
export const Collections = {
  rawCrashes: 'raw_crashes',
  /** GridFS bucket: `dumps.files` and `dumps.chunks`. */
  dumps: 'dumps',
  processedCrashes: 'processed_crashes',
  signatures: 'signatures',
  /** GridFS bucket of uploaded symbol files: `symbols.files`, `symbols.chunks`. */
  symbols: 'symbols',
  /** People and services that hold API tokens, with their permissions. */
  users: 'users',
  /** API tokens, stored hashed. */
  apiTokens: 'api_tokens',
  /** Modules whose symbols were missing, with how many crashes missed them. */
  missingSymbols: 'missing_symbols',
  /** Bug ids linked to signatures. */
  bugAssociations: 'bug_associations',
  /** Crashes found stored but not processed, with whether they are now. */
  missingProcessedCrashes: 'missing_processed_crashes',
} as const;

/** Options for {@link connectMongo}. */
export interface MongoOptions {
  url: string;
  /** How long an operation waits for a reachable server. */
  timeoutMs: number;
  appName: string;
}

/**
 * Creates a client and connects it. The driver reconnects on its own; when
 * no server is reachable, operations fail after `timeoutMs`.
 */
export async function connectMongo(
  options: MongoOptions,
): Promise<MongoClient> {
  const client = new MongoClient(options.url, {
    appName: options.appName,
    serverSelectionTimeoutMS: options.timeoutMs,
    connectTimeoutMS: options.timeoutMs,
    socketTimeoutMS: Math.max(options.timeoutMs * 6, 30_000),
  });
  await client.connect();
  return client;
}

/** Throws unless the server answers a ping. */
export async function pingMongo(client: MongoClient): Promise<void> {
  await client.db('admin').command({ ping: 1 });
}
