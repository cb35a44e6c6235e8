/**
 * What a stream parser gets: the whole file, its own bytes, and a way to
 * record problems that spoil part of the stream but not all of it.
 */
import type { ByteReader } from './byte-reader.js';
import { MinidumpError, type MinidumpErrorCode } from './errors.js';

/** Input of every stream parser. */
export interface StreamContext {
  /** The whole dump (RVAs are offsets into it). */
  readonly file: ByteReader;
  /** The stream's own bytes. */
  readonly data: ByteReader;
  /** Stream name for messages. */
  readonly name: string;
  /** Records a soft error and lets the parser carry on. */
  warn(code: MinidumpErrorCode, message: string): void;
}

/**
 * Validates a list stream that starts with a u32 count followed by
 * fixed-size entries, and returns where the entries start and how many
 * can be read. Some writers put 4 bytes of padding after the count. A
 * count that does not fit is reported and cut to what fits.
 */
export function listLayout(
  ctx: StreamContext,
  entrySize: number,
): { offset: number; count: number } {
  const { data } = ctx;
  const declared = data.u32(0);
  const padded = 8 + declared * entrySize === data.length;
  const offset = padded ? 8 : 4;
  const fit = Math.floor(Math.max(0, data.length - offset) / entrySize);
  if (declared <= fit) {
    return { offset, count: declared };
  }
  ctx.warn(
    'too_many_entries',
    `${ctx.name}: ${declared} entries of ${entrySize} bytes do not fit in ${data.length} bytes; reading ${fit}`,
  );
  return { offset, count: fit };
}

/**
 * Validates a list whose header states its own header and entry sizes
 * (UnloadedModuleList, MemoryInfoList): returns where entries start, their
 * stride and how many fit, or undefined (with a soft error) when the
 * stated sizes are too small to be real.
 */
export function sizedListLayout(
  ctx: StreamContext,
  header: { size: number; entrySize: number; count: number | bigint },
  minimum: { header: number; entry: number },
): { offset: number; stride: number; count: number } | undefined {
  const { size, entrySize, count } = header;
  if (size < minimum.header || entrySize < minimum.entry) {
    ctx.warn(
      'bad_stream',
      `${ctx.name}: header ${size} / entry ${entrySize} bytes are too small`,
    );
    return undefined;
  }
  const fit = Math.floor(Math.max(0, ctx.data.length - size) / entrySize);
  if (count > fit) {
    ctx.warn(
      'too_many_entries',
      `${ctx.name}: ${count} entries, room for ${fit}`,
    );
  }
  return {
    offset: size,
    stride: entrySize,
    count: Math.min(Number(count), fit),
  };
}

/** Throws a `truncated` error when the stream is shorter than `size`. */
export function requireSize(ctx: StreamContext, size: number): void {
  if (ctx.data.length < size) {
    throw new MinidumpError(
      'truncated',
      `${ctx.name}: ${ctx.data.length} bytes, at least ${size} needed`,
    );
  }
}

/**
 * Unreadable entries tolerated in one stream before the rest of it is
 * skipped. A damaged count or location can otherwise make a parser try
 * millions of entries that all fail, one exception each.
 */
export const MAX_BAD_ENTRIES = 64;

const badEntries = new WeakMap<StreamContext, number>();

/** Ends the reading of a stream that has too many bad entries. */
class TooManyBadEntriesError extends MinidumpError {}

/**
 * Runs `read` for one entry of a list; a failure becomes a soft error and
 * the entry is skipped (returns undefined). Past {@link MAX_BAD_ENTRIES}
 * failures in one stream it throws, so the stream's runner records one
 * more soft error and skips the rest.
 */
export function tryEntry<T>(
  ctx: StreamContext,
  index: number,
  read: () => T,
): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof TooManyBadEntriesError) {
      throw err;
    }
    const e = err instanceof MinidumpError ? err : undefined;
    ctx.warn(
      e?.code ?? 'bad_stream',
      `${ctx.name}[${index}]: ${err instanceof Error ? err.message : String(err)}`,
    );
    const bad = (badEntries.get(ctx) ?? 0) + 1;
    badEntries.set(ctx, bad);
    if (bad >= MAX_BAD_ENTRIES) {
      throw new TooManyBadEntriesError(
        'bad_stream',
        `${ctx.name}: ${bad} unreadable entries; the rest of the stream is skipped`,
      );
    }
    return undefined;
  }
}
