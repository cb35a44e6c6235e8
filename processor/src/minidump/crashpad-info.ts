/**
 * Crashpad's info stream (0x43500001): report and client ids, process
 * annotations, and per-module annotations. Older Crashpad versions wrote
 * shorter structures, so every optional part is read only when its
 * enclosing size says it is there.
 */
import { guidToString, type ByteReader } from './byte-reader.js';
import {
  atLocation,
  isEmptyLocation,
  readLocation,
  readUtf8String,
  type Location,
} from './location.js';
import { requireSize, tryEntry, type StreamContext } from './stream-context.js';

/** A typed annotation object (Crashpad's Annotation API). */
export interface CrashpadAnnotation {
  readonly name: string;
  /** 1 = string; 0x8000 and above are application-defined. */
  readonly type: number;
  /** The raw value bytes (a view into the dump). */
  readonly value: Buffer;
  /** The value decoded as UTF-8 when the type is 1 (string). */
  readonly text: string | undefined;
}

/** Crashpad data attached to one module. */
export interface CrashpadModuleInfo {
  /** Index into the dump's module list. */
  readonly moduleIndex: number;
  readonly version: number;
  readonly listAnnotations: readonly string[];
  readonly simpleAnnotations: ReadonlyMap<string, string>;
  readonly annotationObjects: readonly CrashpadAnnotation[];
}

/** The parsed Crashpad info stream. */
export interface CrashpadInfo {
  readonly version: number;
  /** Uppercase dashed UUID. */
  readonly reportId: string;
  readonly clientId: string;
  readonly simpleAnnotations: ReadonlyMap<string, string>;
  readonly modules: readonly CrashpadModuleInfo[];
  /** Pointer-authentication mask (arm64 Apple), when recorded. */
  readonly addressMask: bigint | undefined;
}

const MIN_SIZE = 52;
const WITH_MASK_SIZE = 64;
const MODULE_LINK_SIZE = 12;
const MODULE_INFO_WITH_OBJECTS = 28;

/** Parses the stream; broken annotations become soft errors. */
export function parseCrashpadInfo(ctx: StreamContext): CrashpadInfo {
  requireSize(ctx, MIN_SIZE);
  const d = ctx.data;
  return {
    version: d.u32(0),
    reportId: guidToString(d.guid(4)),
    clientId: guidToString(d.guid(20)),
    simpleAnnotations: readDictionary(ctx, readLocation(d, 36)),
    modules: readModuleLinks(ctx, readLocation(d, 44)),
    addressMask: d.length >= WITH_MASK_SIZE ? d.u64(56) : undefined,
  };
}

/**
 * Reads a count-prefixed list at `loc` with `read(r, offset)` per entry.
 * An empty location gives no entries; a bad list or entry becomes a soft
 * error and is skipped.
 */
function readEntries<T>(
  ctx: StreamContext,
  loc: Location,
  entrySize: number,
  what: string,
  read: (r: ByteReader, at: number) => T,
): T[] {
  if (isEmptyLocation(loc)) {
    return [];
  }
  const list = tryEntry(ctx, 0, () => {
    const r = atLocation(ctx.file, loc, `${ctx.name} ${what}`);
    const declared = r.u32(0);
    const fit = Math.floor((r.length - 4) / entrySize);
    if (declared > fit) {
      ctx.warn(
        'too_many_entries',
        `${ctx.name}: ${what} declares ${declared} entries, room for ${fit}`,
      );
    }
    return { r, count: Math.min(declared, fit) };
  });
  const out: T[] = [];
  for (let i = 0; list !== undefined && i < list.count; i++) {
    const entry = tryEntry(ctx, i, () => read(list.r, 4 + i * entrySize));
    if (entry !== undefined) {
      out.push(entry);
    }
  }
  return out;
}

function readDictionary(
  ctx: StreamContext,
  loc: Location,
): Map<string, string> {
  const entry = (r: ByteReader, at: number): [string, string] => [
    readUtf8String(ctx.file, r.u32(at)),
    readUtf8String(ctx.file, r.u32(at + 4)),
  ];
  return new Map(readEntries(ctx, loc, 8, 'simple annotations', entry));
}

function readModuleLinks(
  ctx: StreamContext,
  loc: Location,
): CrashpadModuleInfo[] {
  return readEntries(ctx, loc, MODULE_LINK_SIZE, 'module list', (r, at) =>
    readModuleInfo(ctx, r.u32(at), readLocation(r, at + 4)),
  );
}

function readModuleInfo(
  ctx: StreamContext,
  moduleIndex: number,
  loc: Location,
): CrashpadModuleInfo {
  const r = atLocation(ctx.file, loc, 'module crashpad info');
  return {
    moduleIndex,
    version: r.u32(0),
    listAnnotations: readEntries(
      ctx,
      readLocation(r, 4),
      4,
      'list annotations',
      (list, at) => readUtf8String(ctx.file, list.u32(at)),
    ),
    simpleAnnotations: readDictionary(ctx, readLocation(r, 12)),
    // The annotation objects location was added later; 20-byte entries lack it.
    annotationObjects:
      r.length >= MODULE_INFO_WITH_OBJECTS
        ? readEntries(
            ctx,
            readLocation(r, 20),
            12,
            'annotation objects',
            (list, at) => readAnnotation(ctx, list, at),
          )
        : [],
  };
}

/** {u32 name RVA, u16 type, u16 reserved, u32 value RVA} */
function readAnnotation(
  ctx: StreamContext,
  r: ByteReader,
  at: number,
): CrashpadAnnotation {
  const type = r.u16(at + 4);
  const valueRva = r.u32(at + 8);
  const value = ctx.file.bytes(valueRva + 4, ctx.file.u32(valueRva));
  return {
    name: readUtf8String(ctx.file, r.u32(at)),
    type,
    value,
    text: type === 1 ? value.toString('utf8') : undefined,
  };
}
