/**
 * Errors raised while reading a minidump. A structural problem of the whole
 * file throws a {@link MinidumpError}; a problem inside one stream becomes a
 * {@link SoftError} on the parsed dump so the rest can still be used.
 */

/** Stable reason slugs carried by {@link MinidumpError} and soft errors. */
export type MinidumpErrorCode =
  /** A read went past the end of the file, a stream or a record. */
  | 'truncated'
  /** The file does not start with a little-endian minidump header. */
  | 'bad_signature'
  /** The header's format version is not the minidump one. */
  | 'bad_version'
  /** A stream's bytes do not describe a valid structure. */
  | 'bad_stream'
  /** A count that cannot fit in the space its list was given. */
  | 'too_many_entries'
  /** A CPU context whose layout could not be determined or read. */
  | 'bad_context'
  /** A structure the reader knows of but does not support. */
  | 'unsupported';

/**
 * An error raised on purpose by the minidump reader. Like the platform's
 * other errors it carries a snake_case `code` and a literal `name`, so the
 * check survives serialization where `instanceof` would not.
 */
export class MinidumpError extends Error {
  override name = 'MinidumpError';
  readonly code: MinidumpErrorCode;

  constructor(
    code: MinidumpErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
  }
}

/** True when `err` is a {@link MinidumpError}. */
export function isMinidumpError(err: unknown): err is MinidumpError {
  return (
    err instanceof MinidumpError ||
    (err instanceof Error && err.name === 'MinidumpError')
  );
}

/**
 * A problem found in one part of a dump that did not stop the rest being
 * read. The processor turns these into processor notes.
 */
export interface SoftError {
  /** Reason slug; `bad_stream` also covers unexpected internal failures. */
  readonly code: MinidumpErrorCode;
  /** Name of the stream (or part) that failed, e.g. `ThreadListStream`. */
  readonly stream: string;
  /** Human-readable detail. */
  readonly message: string;
}

/** Converts anything thrown while parsing `stream` into a soft error. */
export function toSoftError(stream: string, err: unknown): SoftError {
  if (isMinidumpError(err)) {
    return { code: err.code, stream, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'bad_stream', stream, message: `unexpected: ${message}` };
}
