/**
 * The platform's symbol store in MongoDB GridFS: bucket `symbols`, one file
 * per module named `<debug file>/<DEBUG ID>/<name>.sym` (symbol-server
 * layout). Uploading a file for a module replaces the one stored before.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type Db, type ObjectId } from 'mongodb';
import { symbolKey } from './layout.js';
import type { SymbolStore } from './store-source.js';
import { readModuleRecord } from './sym-parser.js';
import type { SymModule } from './types.js';

/** Bytes read before giving up on finding the MODULE line. */
const HEAD_LIMIT = 64 * 1024;

/** Options of {@link GridFsSymbolStore}. */
export interface GridFsSymbolStoreOptions {
  /** GridFS bucket name (default `symbols`). */
  readonly bucketName?: string;
  /** GridFS chunk size (default 1 MiB). */
  readonly chunkSizeBytes?: number;
}

/** What {@link GridFsSymbolStore.put} stored. */
export interface StoredSymbolFile {
  readonly fileId: ObjectId;
  /** GridFS file name: `<debug file>/<DEBUG ID>/<name>.sym`. */
  readonly filename: string;
  readonly size: number;
  readonly module: SymModule;
}

/** Raised by `put` for data that does not start with a MODULE record. */
export class InvalidSymbolFileError extends Error {
  override readonly name = 'InvalidSymbolFileError';
}

/** {@link SymbolStore} on a GridFS bucket. */
export class GridFsSymbolStore implements SymbolStore {
  private readonly bucket: GridFSBucket;

  constructor(db: Db, options: GridFsSymbolStoreOptions = {}) {
    this.bucket = new GridFSBucket(db, {
      bucketName: options.bucketName ?? 'symbols',
      chunkSizeBytes: options.chunkSizeBytes ?? 1024 * 1024,
    });
  }

  /** Streams the newest stored file for a module, or null. */
  async open(debugFile: string, debugId: string): Promise<Readable | null> {
    const key = symbolKey(debugFile, debugId);
    if (key === undefined) {
      return null;
    }
    const newest = await this.bucket
      .find({ filename: key.path })
      .sort({ uploadDate: -1 })
      .limit(1)
      .toArray();
    const file = newest[0];
    return file ? this.bucket.openDownloadStream(file._id) : null;
  }

  /**
   * Stores a symbol file under the name its MODULE line gives, then removes
   * any older file stored under that name.
   *
   * @throws InvalidSymbolFileError when the data does not open with a valid
   *   MODULE record.
   */
  async put(data: Buffer | Readable): Promise<StoredSymbolFile> {
    const { head, rest } = await splitHead(data);
    const module = readModuleRecord(head);
    const key = module && symbolKey(module.debugFile, module.debugId);
    if (module === undefined || key === undefined) {
      if (!Buffer.isBuffer(data)) {
        data.destroy();
      }
      throw new InvalidSymbolFileError(
        'not a Breakpad symbol file: it must start with ' +
          '"MODULE <os> <cpu> <debug id> <debug file>"',
      );
    }
    const upload = this.bucket.openUploadStream(key.path, {
      metadata: { ...module, debugId: key.debugId },
    });
    let size = 0;
    const counted = async function* () {
      for await (const chunk of rest) {
        size += chunk.length;
        yield chunk;
      }
    };
    try {
      await pipeline(Readable.from(counted()), upload);
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    await this.removeOlder(key.path, upload.id);
    return { fileId: upload.id, filename: key.path, size, module };
  }

  /** Deletes every stored file of a module; returns how many. */
  async delete(debugFile: string, debugId: string): Promise<number> {
    const key = symbolKey(debugFile, debugId);
    if (key === undefined) {
      return 0;
    }
    const files = await this.bucket.find({ filename: key.path }).toArray();
    for (const file of files) {
      await this.bucket.delete(file._id);
    }
    return files.length;
  }

  private async removeOlder(filename: string, keep: ObjectId): Promise<void> {
    const files = await this.bucket.find({ filename }).toArray();
    for (const file of files) {
      if (!file._id.equals(keep)) {
        await this.bucket.delete(file._id);
      }
    }
  }
}

/** The first bytes of the data (through its first line) and all of it. */
async function splitHead(
  data: Buffer | Readable,
): Promise<{ head: Buffer; rest: Iterable<Buffer> | AsyncIterable<Buffer> }> {
  if (Buffer.isBuffer(data)) {
    return { head: data.subarray(0, HEAD_LIMIT), rest: [data] };
  }
  const iterator = data[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < HEAD_LIMIT) {
    const next = await iterator.next();
    if (next.done === true) {
      break;
    }
    const chunk = toBuffer(next.value);
    chunks.push(chunk);
    total += chunk.length;
    if (chunk.includes(0x0a)) {
      break;
    }
  }
  const head = Buffer.concat(chunks, total);
  const rest = async function* () {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) {
        return;
      }
      yield toBuffer(next.value);
    }
  };
  return { head, rest: rest() };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) {
    return chunk;
  }
  if (chunk instanceof Uint8Array || typeof chunk === 'string') {
    return Buffer.from(chunk);
  }
  throw new TypeError('symbol file stream must yield bytes or strings');
}
