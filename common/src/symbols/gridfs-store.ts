/**
 * The platform's symbol store in MongoDB GridFS: bucket `symbols`, one file
 * per module named `<debug file>/<DEBUG ID>/<name>.sym` (symbol-server
 * layout). Uploading a file for a module replaces the one stored before.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GridFSBucket,
  type Collection,
  type Db,
  type GridFSFile,
  type ObjectId,
} from 'mongodb';
import { Collections } from '../mongo.js';
import { symbolKey } from './layout.js';
import { readModuleLine, type SymbolModule } from './module-record.js';

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
  readonly module: SymbolModule;
}

/** One stored file in a listing. */
export interface ListedSymbolFile {
  /** `<debug file>/<DEBUG ID>/<name>.sym`. */
  readonly filename: string;
  readonly size: number;
  readonly uploaded: Date;
  readonly debugFile: string;
  readonly debugId: string;
  readonly os: string;
  readonly cpu: string;
}

/** Raised by `put` for data that does not start with a MODULE record. */
export class InvalidSymbolFileError extends Error {
  override readonly name = 'InvalidSymbolFileError';
}

/**
 * The symbol store on a GridFS bucket; the processor reads it through its
 * symbol sources, the web app writes it through the upload endpoint.
 */
export class GridFsSymbolStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;

  constructor(db: Db, options: GridFsSymbolStoreOptions = {}) {
    const bucketName = options.bucketName ?? Collections.symbols;
    this.files = db.collection<GridFSFile>(`${bucketName}.files`);
    this.bucket = new GridFSBucket(db, {
      bucketName,
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
    const module = readModuleLine(head);
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

  /**
   * Stored symbol files, newest upload first, optionally only those whose
   * debug file starts with `prefix`.
   */
  async list(
    options: { offset?: number; limit?: number; prefix?: string } = {},
  ): Promise<{ files: ListedSymbolFile[]; total: number }> {
    const filter =
      options.prefix === undefined || options.prefix === ''
        ? {}
        : { filename: { $regex: `^${escapeRegExp(options.prefix)}` } };
    const [docs, total] = await Promise.all([
      this.bucket
        .find(filter)
        .sort({ uploadDate: -1, _id: -1 })
        .skip(options.offset ?? 0)
        .limit(options.limit ?? 100)
        .toArray(),
      this.files.countDocuments(filter),
    ]);
    const files = docs.map((doc) => {
      const meta = (doc.metadata ?? {}) as Partial<SymbolModule>;
      return {
        filename: doc.filename,
        size: doc.length,
        uploaded: doc.uploadDate,
        debugFile: meta.debugFile ?? doc.filename.split('/')[0] ?? '',
        debugId: meta.debugId ?? doc.filename.split('/')[1] ?? '',
        os: meta.os ?? '',
        cpu: meta.cpu ?? '',
      };
    });
    return { files, total };
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
