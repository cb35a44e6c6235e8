/**
 * Storage of raw crashes: dumps in a GridFS bucket, then one raw-crash
 * document that names them. The document is written last, so its presence
 * marks a complete crash; a crash whose id could not be queued keeps
 * `queued: false` until a sweeper publishes it.
 */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import {
  GridFSBucket,
  ObjectId,
  type Collection,
  type Db,
  type MongoClient,
} from 'mongodb';
import type { CrashId } from './crash-id.js';
import { originalKeys, storableKeys } from './document-keys.js';
import { Collections, pingMongo } from './mongo.js';

/** Annotations and collector fields, as Socorro's raw crash holds them. */
export type RawCrash = Record<string, unknown>;

/** A dump stored in GridFS. */
export interface StoredDump {
  name: string;
  fileId: ObjectId;
  size: number;
  sha256: string;
}

/** The stored form of one raw crash. */
export interface RawCrashDocument {
  _id: CrashId;
  raw_crash: RawCrash;
  dumps: StoredDump[];
  /** False until the crash id is on the stream. */
  queued: boolean;
  stored_at: Date;
}

/** What the collector needs from storage. */
export interface CrashStorage {
  /** Streams one dump into storage, hashing it on the way. */
  saveDump(name: string, content: Readable): Promise<StoredDump>;
  /** Removes dumps of a crash that was not kept (rejected, malformed). */
  deleteDumps(dumps: StoredDump[]): Promise<void>;
  /** Writes the raw-crash document; the crash is durable once this resolves. */
  saveRawCrash(doc: RawCrashDocument): Promise<void>;
  markQueued(crashId: CrashId): Promise<void>;
  /** Crashes stored before `storedBefore` whose id never reached the stream. */
  findUnqueued(storedBefore: Date, limit: number): Promise<CrashId[]>;
  getRawCrash(crashId: CrashId): Promise<RawCrashDocument | null>;
  /** Reads one stored dump back. */
  openDump(fileId: ObjectId): Readable;
  /** Throws unless storage is reachable. */
  check(): Promise<void>;
}

/** Options of {@link MongoCrashStorage}. */
export interface MongoCrashStorageOptions {
  /** GridFS chunk size; larger chunks mean fewer documents per dump. */
  chunkSizeBytes?: number;
}

/** {@link CrashStorage} on MongoDB with GridFS. */
export class MongoCrashStorage implements CrashStorage {
  private readonly rawCrashes: Collection<RawCrashDocument>;
  private readonly bucket: GridFSBucket;
  private readonly chunks: Collection;

  constructor(
    private readonly client: MongoClient,
    db: Db,
    options: MongoCrashStorageOptions = {},
  ) {
    this.rawCrashes = db.collection<RawCrashDocument>(Collections.rawCrashes);
    this.chunks = db.collection(`${Collections.dumps}.chunks`);
    this.bucket = new GridFSBucket(db, {
      bucketName: Collections.dumps,
      chunkSizeBytes: options.chunkSizeBytes ?? 1024 * 1024,
    });
  }

  /** Creates the indexes this storage relies on; safe to run at every start. */
  async ensureIndexes(): Promise<void> {
    await this.rawCrashes.createIndex(
      { queued: 1, stored_at: 1 },
      { name: 'queued_stored_at' },
    );
  }

  // LIMITATION: a dump whose crash never gets its raw-crash document (the
  // process died mid-upload) stays in GridFS until a cleanup job exists;
  // see docs/limitations.md.
  async saveDump(name: string, content: Readable): Promise<StoredDump> {
    const fileId = new ObjectId();
    const hasher = new HashingCounter();
    const upload = this.bucket.openUploadStreamWithId(fileId, name, {
      metadata: { dumpName: name },
    });
    try {
      await pipeline(content, hasher, upload);
    } catch (err) {
      await this.deleteDumps([
        { name, fileId, size: hasher.size, sha256: '' },
      ]).catch(() => undefined);
      throw err;
    }
    return { name, fileId, size: hasher.size, sha256: hasher.digest() };
  }

  async deleteDumps(dumps: StoredDump[]): Promise<void> {
    for (const dump of dumps) {
      try {
        await this.bucket.delete(dump.fileId);
      } catch (err) {
        // A dump whose upload never wrote its files document has nothing
        // to delete but may have chunks; remove those directly.
        if (!isFileNotFound(err)) {
          throw err;
        }
        await this.chunks.deleteMany({ files_id: dump.fileId });
      }
    }
  }

  async saveRawCrash(doc: RawCrashDocument): Promise<void> {
    await this.rawCrashes.insertOne({
      ...doc,
      raw_crash: storableKeys(doc.raw_crash),
    });
  }

  async markQueued(crashId: CrashId): Promise<void> {
    await this.rawCrashes.updateOne(
      { _id: crashId },
      { $set: { queued: true } },
    );
  }

  async findUnqueued(storedBefore: Date, limit: number): Promise<CrashId[]> {
    const docs = await this.rawCrashes
      .find(
        { queued: false, stored_at: { $lt: storedBefore } },
        { projection: { _id: 1 } },
      )
      .sort({ stored_at: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => d._id);
  }

  async getRawCrash(crashId: CrashId): Promise<RawCrashDocument | null> {
    const doc = await this.rawCrashes.findOne({ _id: crashId });
    return doc === null
      ? null
      : { ...doc, raw_crash: originalKeys(doc.raw_crash) };
  }

  openDump(fileId: ObjectId): Readable {
    return this.bucket.openDownloadStream(fileId);
  }

  check(): Promise<void> {
    return pingMongo(this.client);
  }
}

function isFileNotFound(err: unknown): boolean {
  return err instanceof Error && /file not found/i.test(err.message);
}

/** Passes bytes through while counting them and computing their SHA-256. */
class HashingCounter extends Transform {
  size = 0;
  private readonly hash = createHash('sha256');

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
