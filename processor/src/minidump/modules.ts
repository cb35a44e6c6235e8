/**
 * ModuleListStream and UnloadedModuleListStream.
 */
import { ByteReader, guidToHex } from './byte-reader.js';
import { debugIdOf, readCodeView, type CodeViewRecord } from './codeview.js';
import type { OsKind } from './constants.js';
import { pathLeaf, readLocation, readMinidumpString } from './location.js';
import {
  listLayout,
  sizedListLayout,
  tryEntry,
  type StreamContext,
} from './stream-context.js';

const MODULE_SIZE = 108;
const VS_FFI_SIGNATURE = 0xfeef04bd;

/** The VS_FIXEDFILEINFO of a module. */
export interface FixedFileInfo {
  readonly structVersion: number;
  readonly fileVersionHi: number;
  readonly fileVersionLo: number;
  readonly productVersionHi: number;
  readonly productVersionLo: number;
  readonly fileFlagsMask: number;
  readonly fileFlags: number;
  readonly fileOs: number;
  readonly fileType: number;
  readonly fileSubtype: number;
}

/** A loaded module (executable or library). */
export interface MinidumpModule {
  /** Position in the module list; 0 is the main module. */
  readonly index: number;
  readonly base: bigint;
  /** size_of_image. */
  readonly size: number;
  /** base + size (exclusive). */
  readonly end: bigint;
  readonly checksum: number;
  readonly timeDateStamp: number;
  /** Full path of the module file. */
  readonly codeFile: string;
  /**
   * Lowercase code id: PE timestamp+size (Windows), build id (ELF) or
   * UUID (macOS); undefined when none can be derived.
   */
  readonly codeId: string | undefined;
  /** PDB path as recorded, or the code file's leaf name for ELF. */
  readonly debugFile: string | undefined;
  /** Breakpad debug id (33 uppercase hex digits), if any. */
  readonly debugId: string | undefined;
  /** `a.b.c.d` from VS_FIXEDFILEINFO, if recorded. */
  readonly version: string | undefined;
  readonly versionInfo: FixedFileInfo | undefined;
  readonly codeView: CodeViewRecord | undefined;
}

/** Parses the module list; `os` decides how ids and versions are formed. */
export function parseModuleList(
  ctx: StreamContext,
  os: OsKind,
): MinidumpModule[] {
  const { offset, count } = listLayout(ctx, MODULE_SIZE);
  const modules: MinidumpModule[] = [];
  for (let i = 0; i < count; i++) {
    const m = tryEntry(ctx, i, () =>
      readModule(
        ctx,
        ctx.data.sub(offset + i * MODULE_SIZE, MODULE_SIZE),
        os,
        i,
      ),
    );
    if (m !== undefined) {
      modules.push(m);
    }
  }
  return modules;
}

function readModule(
  ctx: StreamContext,
  d: ByteReader,
  os: OsKind,
  index: number,
): MinidumpModule {
  const base = d.u64(0);
  const size = d.u32(8);
  const timeDateStamp = d.u32(16);
  const codeFile = readMinidumpString(ctx.file, d.u32(20));
  const versionInfo =
    d.u32(24) === VS_FFI_SIGNATURE ? readFixedFileInfo(d) : undefined;
  const cvLoc = readLocation(d, 76);
  let codeView: CodeViewRecord | undefined;
  if (cvLoc.size >= 4) {
    codeView = tryEntry(ctx, index, () =>
      readCodeView(ctx.file.sub(cvLoc.rva, cvLoc.size, 'CodeView record')),
    );
  }
  return {
    index,
    base,
    size,
    end: base + BigInt(size),
    checksum: d.u32(12),
    timeDateStamp,
    codeFile,
    codeId: codeIdOf(codeView, os, timeDateStamp, size),
    debugFile: debugFileOf(codeView, codeFile),
    debugId: codeView === undefined ? undefined : debugIdOf(codeView),
    version: versionString(versionInfo, os),
    versionInfo,
    codeView,
  };
}

function readFixedFileInfo(d: ByteReader): FixedFileInfo {
  const f = 24;
  return {
    structVersion: d.u32(f + 4),
    fileVersionHi: d.u32(f + 8),
    fileVersionLo: d.u32(f + 12),
    productVersionHi: d.u32(f + 16),
    productVersionLo: d.u32(f + 20),
    fileFlagsMask: d.u32(f + 24),
    fileFlags: d.u32(f + 28),
    fileOs: d.u32(f + 32),
    fileType: d.u32(f + 36),
    fileSubtype: d.u32(f + 40),
  };
}

/** PE code id: %08X timestamp then %x image size, lowercased. */
export function peCodeId(timeDateStamp: number, size: number): string {
  return (
    timeDateStamp.toString(16).padStart(8, '0') + size.toString(16)
  ).toLowerCase();
}

function codeIdOf(
  cv: CodeViewRecord | undefined,
  os: OsKind,
  timeDateStamp: number,
  size: number,
): string | undefined {
  if (cv?.kind === 'elf') {
    // An all-zero build id (mapped fonts, jars) identifies nothing.
    return cv.buildId.some((b) => b !== 0)
      ? cv.buildId.toString('hex')
      : undefined;
  }
  if (cv?.kind === 'pdb70' && (os === 'macos' || os === 'ios')) {
    return guidToHex(cv.guid).toLowerCase();
  }
  if (cv?.kind === 'pdb70' || cv?.kind === 'pdb20' || os === 'windows') {
    return peCodeId(timeDateStamp, size);
  }
  return undefined;
}

function debugFileOf(
  cv: CodeViewRecord | undefined,
  codeFile: string,
): string | undefined {
  switch (cv?.kind) {
    case 'pdb70':
    case 'pdb20':
      return cv.pdbFile;
    case 'elf':
      return pathLeaf(codeFile);
    default:
      return undefined;
  }
}

function versionString(
  v: FixedFileInfo | undefined,
  os: OsKind,
): string | undefined {
  if (
    v === undefined ||
    (v.structVersion & 0xffff0000) !== 0x10000 ||
    (v.fileVersionHi | v.fileVersionLo) === 0
  ) {
    // Writers that know no version still fill in the signature.
    return undefined;
  }
  if (os === 'windows' || os === 'macos' || os === 'ios') {
    const { fileVersionHi: hi, fileVersionLo: lo } = v;
    return `${hi >>> 16}.${hi & 0xffff}.${lo >>> 16}.${lo & 0xffff}`;
  }
  // Other writers store four whole numbers across file and product version.
  return `${v.fileVersionHi}.${v.fileVersionLo}.${v.productVersionHi}.${v.productVersionLo}`;
}

/** A module that had been unloaded before the dump was written. */
export interface UnloadedModule {
  readonly base: bigint;
  readonly size: number;
  readonly end: bigint;
  readonly checksum: number;
  readonly timeDateStamp: number;
  readonly codeFile: string;
  /** PE-style code id (timestamp + size), lowercase. */
  readonly codeId: string;
}

const UNLOADED_MIN_SIZE = 24;

/** Parses UnloadedModuleListStream: {header size, entry size, count} + entries. */
export function parseUnloadedModuleList(ctx: StreamContext): UnloadedModule[] {
  const d = ctx.data;
  const header = { size: d.u32(0), entrySize: d.u32(4), count: d.u32(8) };
  const list = sizedListLayout(ctx, header, {
    header: 12,
    entry: UNLOADED_MIN_SIZE,
  });
  const out: UnloadedModule[] = [];
  for (let i = 0; i < (list?.count ?? 0); i++) {
    const at = (list?.offset ?? 0) + i * (list?.stride ?? 0);
    const m = tryEntry(ctx, i, () => readUnloaded(ctx, at));
    if (m !== undefined) {
      out.push(m);
    }
  }
  return out;
}

function readUnloaded(ctx: StreamContext, at: number): UnloadedModule {
  const d = ctx.data;
  const base = d.u64(at);
  const size = d.u32(at + 8);
  const timeDateStamp = d.u32(at + 16);
  return {
    base,
    size,
    end: base + BigInt(size),
    checksum: d.u32(at + 12),
    timeDateStamp,
    codeFile: readMinidumpString(ctx.file, d.u32(at + 20)),
    codeId: peCodeId(timeDateStamp, size),
  };
}
