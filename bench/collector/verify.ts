/**
 * After the load: does storage hold a raw crash for every crash id the
 * collector handed out, and was each one published (marked queued)?
 */
import { MongoClient } from 'mongodb';
import { Collections } from '@crashstats/common';
import type { StubCounts } from './mongo-stub.js';

/** What storage holds after the run. */
export interface Verification {
  /** Where the counts come from: the bench database, or the stub's tally. */
  source: 'database' | 'stub';
  /** Crash ids the benchmark got back in 200 replies, warm-up included. */
  acceptedIds: number;
  /** Documents in raw_crashes of the bench database (stub: inserted). */
  rawCrashDocuments: number;
  /** How many of the accepted ids have a raw_crashes document. */
  acceptedIdsFound: number;
  /** raw_crashes documents marked queued (stub: update commands seen). */
  queuedDocuments: number;
  /** Files in the dumps GridFS bucket; undefined with the stub. */
  dumpFiles: number | undefined;
  ok: boolean;
}

const BATCH = 1000;

/** Counts what the bench database holds. */
export async function verifyStorage(
  mongoUrl: string,
  database: string,
  crashIds: readonly string[],
): Promise<Verification> {
  const client = new MongoClient(mongoUrl, {
    serverSelectionTimeoutMS: 10_000,
  });
  try {
    const db = client.db(database);
    const rawCrashes = db.collection<{ _id: string }>(Collections.rawCrashes);
    const rawCrashDocuments = await rawCrashes.countDocuments({});
    let acceptedIdsFound = 0;
    for (let i = 0; i < crashIds.length; i += BATCH) {
      acceptedIdsFound += await rawCrashes.countDocuments({
        _id: { $in: crashIds.slice(i, i + BATCH) },
      });
    }
    const queuedDocuments = await rawCrashes.countDocuments({ queued: true });
    const dumpFiles = await db
      .collection(`${Collections.dumps}.files`)
      .countDocuments({});
    const ok =
      acceptedIdsFound === crashIds.length &&
      rawCrashDocuments === crashIds.length;
    return {
      source: 'database',
      acceptedIds: crashIds.length,
      rawCrashDocuments,
      acceptedIdsFound,
      queuedDocuments,
      dumpFiles,
      ok,
    };
  } finally {
    await client.close();
  }
}

/** The same check against what the storage stub was sent. */
export function verifyStub(
  counts: StubCounts,
  crashIds: readonly string[],
): Verification {
  const found = crashIds.filter((id) => counts.rawCrashIds.has(id)).length;
  return {
    source: 'stub',
    acceptedIds: crashIds.length,
    rawCrashDocuments: counts.rawCrashIds.size,
    acceptedIdsFound: found,
    queuedDocuments: counts.updates,
    dumpFiles: undefined,
    ok: found === crashIds.length && counts.rawCrashIds.size === found,
  };
}
