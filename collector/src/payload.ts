/**
 * Streaming parse of a crash report body. Parts are classified by content
 * type as Antenna does: an application/json part holds every annotation, a
 * text/plain part without a filename is one annotation, and anything else is
 * a dump named by its part name. Dumps go straight into storage as they
 * arrive, so memory stays bounded whatever the body size; the caller deletes
 * them again if the crash is not kept.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Busboy } from '@fastify/busboy';
import {
  MalformedCrashReportError,
  PayloadTooLargeError,
  isMalformedCrashReportError,
  isPayloadTooLargeError,
  type CrashStorage,
  type StoredDump,
} from '@crashstats/common';

/** Dump names that would collide with the storage layout. */
const RESERVED_DUMP_NAMES = new Set([
  'dump_names',
  'processed_crash',
  'raw_crash',
]);
const MAX_DUMP_NAME_LENGTH = 30;

/** A parsed crash report: annotations plus the dumps already stored. */
export interface CrashReport {
  annotations: Record<string, unknown>;
  dumps: StoredDump[];
  /** "json" when an application/json part carried the annotations. */
  payload: 'json' | 'multipart';
  compressed: boolean;
  /** Body size as received (compressed size when gzipped). */
  size: number;
  /** Size after decompression. */
  uncompressedSize: number;
  notes: string[];
}

/** Request headers the parser reads. */
export interface PayloadHeaders {
  contentType: string | undefined;
  contentLength: string | undefined;
  contentEncoding: string | undefined;
  transferEncoding: string | undefined;
}

/** Limits and policies of the parser. */
export interface PayloadOptions {
  maxBodyBytes: number;
  /** Reject, rather than note, a mix of JSON and form annotations. */
  rejectJsonAndForm: boolean;
}

/**
 * Checks the headers before any byte of the body is read: a body that
 * cannot be a crash report, or is declared too large, is refused at once.
 */
export function checkPayloadHeaders(
  headers: PayloadHeaders,
  options: PayloadOptions,
): void {
  const type = headers.contentType;
  if (!type) {
    throw new MalformedCrashReportError('no_content_type');
  }
  const mediaType = type.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'multipart/form-data' && mediaType !== 'multipart/mixed') {
    throw new MalformedCrashReportError('wrong_content_type');
  }
  if (!/;\s*boundary=/i.test(type)) {
    throw new MalformedCrashReportError('no_boundary');
  }
  const chunked = /chunked/i.test(headers.transferEncoding ?? '');
  const length = Number(headers.contentLength ?? (chunked ? NaN : 0));
  if (!chunked && !(length > 0)) {
    throw new MalformedCrashReportError('no_content_length');
  }
  if (length > options.maxBodyBytes) {
    throw new PayloadTooLargeError(options.maxBodyBytes);
  }
}

/**
 * Reads a whole crash report body. Throws MalformedCrashReportError,
 * PayloadTooLargeError, or a storage error; dumps stored before a failure
 * are deleted before it is thrown.
 */
export async function readCrashReport(
  body: Readable,
  headers: PayloadHeaders,
  storage: CrashStorage,
  options: PayloadOptions,
): Promise<CrashReport> {
  checkPayloadHeaders(headers, options);
  const compressed = /gzip/i.test(headers.contentEncoding ?? '');
  const state = new ReportBuilder(storage, options);
  const received = new ByteLimit(options.maxBodyBytes);
  const decoded = new ByteLimit(options.maxBodyBytes);
  const parser = createPartParser(state, headers.contentType!);
  const abort = new AbortController();
  state.onFailure = () => abort.abort();

  // The request is piped in rather than made part of the pipeline: when
  // parsing fails, the pipeline is torn down but the request must stay open
  // so the client still gets its reply.
  const stages: NodeJS.ReadWriteStream[] = compressed
    ? [received, createGunzip(), decoded]
    : [received, decoded];
  const onBodyError = (err: Error) => received.destroy(err);
  body.on('error', onBodyError);
  body.pipe(received);
  try {
    await pipeline([...stages, parser], { signal: abort.signal });
    await state.settle();
    if (state.failure) {
      throw state.failure;
    }
    return state.finish(compressed, received.bytes, decoded.bytes);
  } catch (err) {
    // A body that ends inside a part is the cause of whatever that part's
    // reader then makes of the text it got (half a JSON object, say), so
    // it is the reason given; otherwise the first failure seen is.
    const reason = endedInsidePart(err)
      ? classifyStreamError(err)
      : (state.failure ?? classifyStreamError(err));
    body.unpipe(received);
    body.resume();
    state.abortCurrentDump(reason);
    await state.discard();
    throw reason;
  } finally {
    body.off('error', onBodyError);
  }
}

/**
 * Creates the multipart parser. Busboy knows only multipart/form-data, so a
 * multipart/mixed body, which Antenna accepts too and which has the same
 * part syntax, is handed to it under that name with its parameters kept.
 * Any other refusal of the header is a malformed report, not a server error.
 */
function createPartParser(state: ReportBuilder, contentType: string) {
  const formData = contentType.replace(/^[^;]*/, 'multipart/form-data');
  try {
    return state.createParser(formData);
  } catch (err) {
    throw new MalformedCrashReportError(
      'invalid_payload_structure',
      undefined,
      { cause: err },
    );
  }
}

/** Maps an error from the stream pipeline to the reason clients see. */
function classifyStreamError(err: unknown): Error {
  if (isPayloadTooLargeError(err) || isMalformedCrashReportError(err)) {
    return err;
  }
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('Z_')) {
    return new MalformedCrashReportError('bad_gzip', undefined, { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    return new MalformedCrashReportError(
      'invalid_payload_structure',
      'body ended early',
      {
        cause: err,
      },
    );
  }
  if (err instanceof Error && !isBusboyError(err)) {
    // Storage failures and other unexpected errors keep their identity.
    return err;
  }
  return new MalformedCrashReportError('invalid_payload_structure', undefined, {
    cause: err,
  });
}

/** True for the parser's error about a body that ends before its last boundary. */
function endedInsidePart(err: unknown): boolean {
  return (
    err instanceof Error &&
    /unexpected end of multipart data/i.test(err.message)
  );
}

function isBusboyError(err: Error): boolean {
  return /multipart|boundary|part|form|terminated early|unexpected end/i.test(
    err.message,
  );
}

/** Sanitizes a dump name to ASCII letters, digits and `_`, at most 30 long. */
export function sanitizeDumpName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '').slice(0, MAX_DUMP_NAME_LENGTH);
}

/** Collects annotations and dumps as parts arrive. */
class ReportBuilder {
  failure: Error | undefined;
  onFailure: () => void = () => undefined;
  private formAnnotations = 0;
  private jsonParts = 0;
  private readonly annotations: Record<string, unknown> = {};
  private readonly notes: string[] = [];
  private readonly pendingDumps: Promise<StoredDump>[] = [];
  private readonly dumps = new Map<string, StoredDump>();
  private readonly replacedDumps: StoredDump[] = [];
  private currentDump: Readable | undefined;

  constructor(
    private readonly storage: CrashStorage,
    private readonly options: PayloadOptions,
  ) {}

  createParser(contentType: string) {
    const parser = Busboy({
      headers: { 'content-type': contentType },
      isPartAFile: () => true,
      limits: { fileSize: this.options.maxBodyBytes, headerPairs: 100 },
    });
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      this.onPart(name, stream, filename, mimeType);
    });
    return parser;
  }

  fail(err: Error): void {
    this.failure ??= err;
    this.onFailure();
  }

  abortCurrentDump(reason: Error): void {
    this.currentDump?.destroy(reason);
  }

  private onPart(
    name: string | undefined,
    stream: Readable,
    filename: string | undefined,
    mimeType: string,
  ): void {
    // A part cut short (the body ended inside it) errors on its own stream
    // as well as on the parser. Every part gets a listener, whatever
    // becomes of it below, so the error fails this report instead of
    // reaching the process as an unhandled 'error' event.
    stream.on('error', (err: Error) => this.fail(classifyStreamError(err)));
    if (!name) {
      stream.resume();
      return;
    }
    if (this.failure) {
      stream.resume();
      return;
    }
    if (mimeType === 'application/json') {
      this.collect(stream, (bytes) => this.addJsonAnnotations(bytes));
    } else if (mimeType === 'text/plain' && filename === undefined) {
      this.collect(stream, (bytes) => this.addFormAnnotation(name, bytes));
    } else {
      this.addDump(name, stream, mimeType);
    }
  }

  // LIMITATION: annotation parts are buffered whole, bounded only by the body
  // limit, not by a smaller per-part limit; see docs/limitations.md.
  private collect(stream: Readable, done: (bytes: Buffer) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      try {
        done(Buffer.concat(chunks));
      } catch (err) {
        this.fail(err as Error);
      }
    });
  }

  private addJsonAnnotations(bytes: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new MalformedCrashReportError('invalid_json', undefined, {
        cause: err,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MalformedCrashReportError('invalid_json_value');
    }
    this.jsonParts += 1;
    // A JSON part replaces form annotations that came before it.
    for (const key of Object.keys(this.annotations)) {
      delete this.annotations[key];
    }
    Object.assign(this.annotations, value);
  }

  // LIMITATION: a text annotation that is not UTF-8 is kept decoded with
  // replacement characters (noted), not as its original bytes; see
  // docs/limitations.md.
  private addFormAnnotation(name: string, bytes: Buffer): void {
    this.formAnnotations += 1;
    try {
      this.annotations[name] = new TextDecoder('utf-8', { fatal: true }).decode(
        bytes,
      );
    } catch {
      this.annotations[name] = bytes.toString('utf8');
      this.notes.push(`${name} has a value that is not valid UTF-8`);
    }
  }

  private addDump(rawName: string, stream: Readable, mimeType: string): void {
    const name = sanitizeDumpName(rawName);
    if (name === '' || RESERVED_DUMP_NAMES.has(name)) {
      stream.resume();
      this.fail(
        new MalformedCrashReportError(
          'invalid_dump_name',
          `dump name not allowed: ${rawName}`,
        ),
      );
      return;
    }
    if (mimeType !== 'application/octet-stream') {
      this.notes.push(`${name} has content type ${mimeType}`);
    }
    this.currentDump = stream;
    const saving = this.storage.saveDump(name, stream).then((dump) => {
      const previous = this.dumps.get(name);
      if (previous) {
        this.replacedDumps.push(previous);
        this.notes.push(
          `${name} was sent more than once; the last one is kept`,
        );
      }
      this.dumps.set(name, dump);
      return dump;
    });
    saving.catch((err: Error) => this.fail(err));
    this.pendingDumps.push(saving);
  }

  /** Waits for every dump upload; the first failure wins. */
  async settle(): Promise<void> {
    const results = await Promise.allSettled(this.pendingDumps);
    const rejected = results.find((r) => r.status === 'rejected');
    if (rejected && !this.failure) {
      this.failure = rejected.reason as Error;
    }
    if (this.replacedDumps.length > 0) {
      await this.storage.deleteDumps(this.replacedDumps.splice(0));
    }
  }

  /** Deletes every dump stored for this report. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.pendingDumps);
    await this.storage.deleteDumps([
      ...this.dumps.values(),
      ...this.replacedDumps,
    ]);
    this.dumps.clear();
  }

  finish(
    compressed: boolean,
    size: number,
    uncompressedSize: number,
  ): CrashReport {
    if (this.jsonParts > 0 && this.formAnnotations > 0) {
      if (this.options.rejectJsonAndForm) {
        throw new MalformedCrashReportError('has_json_and_kv');
      }
      this.notes.push(
        'includes annotations in both json-encoded extra and formdata parts',
      );
    }
    if (Object.keys(this.annotations).length === 0) {
      throw new MalformedCrashReportError('no_annotations');
    }
    return {
      annotations: this.annotations,
      dumps: [...this.dumps.values()],
      payload: this.jsonParts > 0 ? 'json' : 'multipart',
      compressed,
      size,
      uncompressedSize,
      notes: this.notes,
    };
  }
}

/** Counts bytes passing through and fails once they exceed a limit. */
class ByteLimit extends Transform {
  bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: TransformCallback,
  ): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(new PayloadTooLargeError(this.limit));
      return;
    }
    callback(null, chunk);
  }
}
