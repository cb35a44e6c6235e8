/**
 * Symbols: UploadSymbols stores Breakpad `.sym` files (one as the body, any
 * number as multipart file parts, or `.sym` entries of a zip) where the
 * processor's symbol store finds them, after checking that each opens
 * with a valid MODULE record; SymbolFiles lists what is stored;
 * MissingSymbols lists the modules crashes missed symbols for, most
 * crashes first.
 *
 * A `.sym` file streams into GridFS as it arrives. A zip, whose directory
 * sits at its end, is first copied to a temporary file (bounded by
 * WEBAPP_SYMBOLS_MAX_BYTES) and read from there, then the file is removed.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy } from '@fastify/busboy';
import yauzl from 'yauzl';
import {
  GridFsSymbolStore,
  InvalidSymbolFileError,
  MissingSymbolsStorage,
  type StoredSymbolFile,
} from '@crashstats/common';
import type { ApiDeps } from '../deps.js';
import { json, type ApiEndpoint, type ApiRequest } from '../endpoint.js';
import { ApiError, badRequest, invalidParameters } from '../errors.js';
import { isoDate } from '../format.js';
import { optionalParam } from '../params.js';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Most files one upload may hold. */
const MAX_FILES = 10_000;

/** What happened to one file of an upload. */
interface FileResult {
  readonly file: string;
  readonly stored?: string;
  readonly error?: string;
}

class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, { error: `Upload larger than ${limit} bytes` });
}

/** A multipart body that ended inside a file part. */
class BodyCutShortError extends Error {
  override name = 'BodyCutShortError';
}

/**
 * Counts bytes through a stream, failing past `limit`, and failing at its
 * end when `cutShort()` says the body ended before the file was complete
 * (the parser may end a cut-off part as if it were whole), so a partial
 * file is never stored.
 */
function bounded(
  source: AsyncIterable<Buffer>,
  limit: number,
  counter: { bytes: number },
  cutShort: () => boolean,
): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of source) {
        counter.bytes += chunk.length;
        if (counter.bytes > limit) {
          throw new UploadTooLargeError();
        }
        yield chunk;
      }
      if (cutShort()) {
        throw new BodyCutShortError('the body ended inside this file');
      }
    })(),
  );
}

/** The first bytes of a stream, and the whole stream again. */
async function peek(
  stream: Readable,
  bytes: number,
): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done === true) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(chunks);
  return {
    head,
    all: (async function* () {
      yield head;
      while (!done) {
        const next = await iterator.next();
        if (next.done === true) {
          return;
        }
        yield next.value;
      }
    })(),
  };
}

/** Prefix of the temporary folders zips are copied into. */
export const ZIP_SPOOL_PREFIX = 'crashstats-symbols-';

/** An upload copied to a temporary file, removed on dispose. */
interface SpooledFile extends AsyncDisposable {
  readonly path: string;
}

/** Copies a stream into a new temporary file. */
async function spool(source: Readable): Promise<SpooledFile> {
  const dir = await mkdtemp(join(tmpdir(), ZIP_SPOOL_PREFIX));
  const file: SpooledFile = {
    path: join(dir, 'upload.zip'),
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
  try {
    await pipeline(source, createWriteStream(file.path));
  } catch (err) {
    await file[Symbol.asyncDispose]();
    throw err;
  }
  return file;
}

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      path,
      {
        lazyEntries: true,
        validateEntrySizes: true,
        strictFileNames: false,
        autoClose: false,
      },
      (err, zip) => (err ? reject(err) : resolve(zip)),
    );
  });
}

/** Calls `each` for every `.sym` entry of a zip file, one after another. */
async function eachZipEntry(
  path: string,
  each: (name: string, stream: Readable, size: number) => Promise<void>,
): Promise<void> {
  const zip = await openZip(path);
  try {
    await readEntries(zip, each);
  } finally {
    zip.close();
  }
}

/** Reads a zip's entries in turn, handing each `.sym` entry to `each`. */
function readEntries(
  zip: yauzl.ZipFile,
  each: (name: string, stream: Readable, size: number) => Promise<void>,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (
        entry.fileName.endsWith('/') ||
        !entry.fileName.toLowerCase().endsWith('.sym')
      ) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err) {
          reject(err);
          return;
        }
        each(entry.fileName, stream, entry.uncompressedSize).then(
          () => zip.readEntry(),
          (failure: Error) => {
            stream.destroy();
            reject(failure);
          },
        );
      });
    });
    zip.readEntry();
  });
}

export function symbolEndpoints(deps: ApiDeps): ApiEndpoint[] {
  const store = new GridFsSymbolStore(deps.db);
  const missing = new MissingSymbolsStorage(deps.db);
  const limit = deps.config.WEBAPP_SYMBOLS_MAX_BYTES;

  /** Stores one uploaded file (a .sym or a zip of them). */
  async function storeFile(
    name: string,
    stream: Readable,
    results: FileResult[],
    cutShort: () => boolean = () => false,
  ): Promise<void> {
    const counter = { bytes: 0 };
    const { head, all } = await peek(stream, ZIP_MAGIC.length);
    if (head.subarray(0, ZIP_MAGIC.length).equals(ZIP_MAGIC)) {
      await using file = await spool(bounded(all, limit, counter, cutShort));
      let unpacked = 0;
      try {
        await eachZipEntry(file.path, async (entry, entryStream, size) => {
          unpacked += size;
          if (unpacked > limit || results.length >= MAX_FILES) {
            throw new UploadTooLargeError();
          }
          await storeSym(`${name}:${entry}`, entryStream, results);
        });
      } catch (err) {
        if (err instanceof UploadTooLargeError) {
          throw err;
        }
        results.push({
          file: name,
          error: `not a readable zip file (${(err as Error).message})`,
        });
      }
      return;
    }
    await storeSym(name, bounded(all, limit, counter, cutShort), results);
  }

  async function storeSym(
    name: string,
    stream: Readable,
    results: FileResult[],
  ): Promise<void> {
    let stored: StoredSymbolFile;
    try {
      stored = await store.put(stream);
    } catch (err) {
      if (err instanceof InvalidSymbolFileError) {
        results.push({ file: name, error: err.message });
        return;
      }
      throw err;
    }
    await missing.resolve(stored.module.debugFile, stored.module.debugId);
    results.push({ file: name, stored: stored.filename });
  }

  /** Every file of the request, multipart or a single body. */
  async function receive(
    request: ApiRequest,
    results: FileResult[],
  ): Promise<void> {
    const { contentType, stream } = request.raw;
    if (!/^multipart\/form-data/i.test(contentType)) {
      await storeFile(
        optionalParam(request.params, 'filename') ?? 'upload',
        stream,
        results,
      );
      return;
    }
    let parser;
    try {
      // Every part comes as a file, so that each part's start is seen;
      // parts without a file name are skipped below, as form fields.
      parser = Busboy({
        headers: { 'content-type': contentType },
        limits: { files: MAX_FILES },
        isPartAFile: () => true,
      });
    } catch (err) {
      throw badRequest(`unreadable multipart body (${(err as Error).message})`);
    }
    let chain = Promise.resolve();
    let failure: Error | undefined;
    let unreadable: ApiError | undefined;
    // A part is whole once the parser has seen the next one begin; the
    // last is whole if the body ends properly. The parser may end a part
    // the body broke off in as if it were whole, so this is what tells.
    let previous: { whole: boolean } | undefined;
    parser.on('file', (field, file, filename) => {
      if (previous !== undefined) {
        previous.whole = true;
      }
      const part = { whole: false };
      previous = part;
      const cutShort = () => unreadable !== undefined && !part.whole;
      // The parser may report a body cut short on the part's stream as
      // well; it is answered from the parser's own error below, but the
      // stream needs a listener from the start, or the error would be
      // unhandled while the part waits its turn.
      file.on('error', () => {
        unreadable ??= badRequest('unreadable multipart body (it ends early)');
      });
      chain = chain.then(async () => {
        if (failure !== undefined || filename === undefined) {
          file.resume();
          return;
        }
        try {
          await storeFile(filename || field, file, results, cutShort);
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err));
          file.resume();
        }
      });
    });
    const finished = new Promise<void>((resolve) => {
      parser.on('finish', () => resolve());
      parser.on('error', (err: Error) => {
        unreadable ??= badRequest(`unreadable multipart body (${err.message})`);
        resolve();
      });
    });
    stream.pipe(parser);
    await finished;
    // Every file's store has finished or failed before the answer goes.
    await chain;
    if (unreadable !== undefined) {
      // The files read whole before the body broke off are stored; say so.
      throw new ApiError(400, { ...unreadable.body, files: results });
    }
    if (failure !== undefined) {
      throw failure;
    }
  }

  const upload: ApiEndpoint = {
    name: 'UploadSymbols',
    methods: ['POST'],
    permission: 'upload_symbols',
    maxAgeSeconds: 0,
    origin: 'crashstats',
    summary: 'Upload symbol files',
    description:
      'Stores Breakpad symbol files for the processor: the body is one .sym file or a zip of them ' +
      '(any content type), or multipart/form-data with any number of such files. Each file must start ' +
      'with a MODULE record, which decides where it is stored; a file for a module stored before ' +
      'replaces it. Answers 201 when every file was stored, 400 when some were refused (the others are ' +
      'stored) or when a multipart body breaks off (the files read whole before it are stored, and ' +
      'listed; none of the one it broke off in), 413 above the size limit.',
    parameters: [
      {
        name: 'filename',
        description: 'Name of a single-file upload, used in the answer.',
        schema: { type: 'string' },
        example: 'xul.sym',
      },
    ],
    requestBody: {
      schema: { type: 'string', format: 'binary' },
      example:
        'MODULE windows x86_64 5A9832E5287241C1838ED98914E9B7FF1 xul.pdb\nFUNC 1000 20 0 main\n',
    },
    requestContentTypes: [
      'application/octet-stream',
      'application/zip',
      'multipart/form-data',
    ],
    responseExample: {
      files: [
        {
          file: 'xul.sym',
          stored: 'xul.pdb/5A9832E5287241C1838ED98914E9B7FF1/xul.sym',
        },
      ],
      stored: 1,
      refused: 0,
    },
    async handle(request) {
      const results: FileResult[] = [];
      try {
        await receive(request, results);
      } catch (err) {
        if (err instanceof UploadTooLargeError) {
          throw tooLarge(limit);
        }
        throw err;
      }
      if (results.length === 0) {
        throw badRequest('the upload holds no symbol file');
      }
      const refused = results.filter((r) => r.error !== undefined).length;
      deps.log.info(
        { stored: results.length - refused, refused },
        'symbol files uploaded',
      );
      return json(
        { files: results, stored: results.length - refused, refused },
        refused === 0 ? 201 : 400,
      );
    },
  };

  const page = (params: ApiRequest['params']) => {
    const offset = Number(optionalParam(params, 'offset') ?? '0');
    const number = Number(optionalParam(params, 'limit') ?? '100');
    const errors: Record<string, string[]> = {};
    if (!Number.isInteger(offset) || offset < 0) {
      errors.offset = ['Must be a whole number, 0 or more'];
    }
    if (!Number.isInteger(number) || number < 1 || number > 1000) {
      errors.limit = ['Must be a whole number from 1 to 1000'];
    }
    if (Object.keys(errors).length > 0) {
      throw invalidParameters(errors);
    }
    return { offset, limit: number };
  };
  const pageParams = [
    {
      name: 'offset',
      description: 'Entries to skip.',
      schema: { type: 'integer', minimum: 0, default: 0 },
    },
    {
      name: 'limit',
      description: 'Entries to return (1–1000).',
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  ];

  const list: ApiEndpoint = {
    name: 'SymbolFiles',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'crashstats',
    summary: 'Stored symbol files',
    description:
      'The symbol files in the platform’s store, newest upload first.',
    parameters: [
      {
        name: 'debug_file',
        description: 'Only debug files starting with this text.',
        schema: { type: 'string' },
      },
      ...pageParams,
    ],
    responseExample: {
      hits: [
        {
          filename: 'xul.pdb/5A9832E5287241C1838ED98914E9B7FF1/xul.sym',
          debug_file: 'xul.pdb',
          debug_id: '5A9832E5287241C1838ED98914E9B7FF1',
          os: 'windows',
          cpu: 'x86_64',
          size: 123456,
          uploaded: '2026-12-03T10:00:00+00:00',
        },
      ],
      total: 1,
    },
    async handle({ params }) {
      const prefix = optionalParam(params, 'debug_file');
      const { files, total } = await store.list({
        ...page(params),
        ...(prefix === undefined ? {} : { prefix }),
      });
      return json({
        hits: files.map((f) => ({
          filename: f.filename,
          debug_file: f.debugFile,
          debug_id: f.debugId,
          os: f.os,
          cpu: f.cpu,
          size: f.size,
          uploaded: isoDate(f.uploaded),
        })),
        total,
      });
    },
  };

  const wanted: ApiEndpoint = {
    name: 'MissingSymbols',
    methods: ['GET'],
    maxAgeSeconds: 0,
    origin: 'crashstats',
    summary: 'The most-wanted missing symbols',
    description:
      'Modules whose symbols no source had when crashes were processed, the ones that most crashes ' +
      'missed first. Uploading a module’s symbols takes it off the list.',
    parameters: pageParams,
    responseExample: {
      hits: [
        {
          debug_file: 'xul.pdb',
          debug_id: '5A9832E5287241C1838ED98914E9B7FF1',
          code_file: 'xul.dll',
          code_id: '6553A2A5a1f000',
          crashes: 1200,
          last_seen: '2026-12-03T10:00:00+00:00',
        },
      ],
      total: 1,
    },
    async handle({ params }) {
      const { modules, total } = await missing.mostWanted(page(params));
      return json({
        hits: modules.map((m) => ({
          debug_file: m.debug_file,
          debug_id: m.debug_id,
          code_file: m.code_file,
          code_id: m.code_id,
          crashes: m.crash_count,
          last_seen: isoDate(m.last_seen),
        })),
        total,
      });
    },
  };

  return [upload, list, wanted];
}
