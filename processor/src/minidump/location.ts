/**
 * Location descriptors and the strings they point at. An RVA is a file
 * offset; every pointed-to structure is read through the whole file's
 * reader, so a bad RVA fails as a bounds error.
 */
import type { ByteReader } from './byte-reader.js';

/** MDLocationDescriptor: a byte range of the file. */
export interface Location {
  readonly size: number;
  readonly rva: number;
}

/** Reads an 8-byte {u32 size, u32 rva} descriptor at `offset` of `r`. */
export function readLocation(r: ByteReader, offset: number): Location {
  return { size: r.u32(offset), rva: r.u32(offset + 4) };
}

/** True when a descriptor points at nothing (writers leave them zeroed). */
export function isEmptyLocation(loc: Location): boolean {
  return loc.size === 0;
}

/** A reader over the bytes a descriptor points at. */
export function atLocation(
  file: ByteReader,
  loc: Location,
  what: string,
): ByteReader {
  return file.sub(loc.rva, loc.size, what);
}

/**
 * A MINIDUMP_STRING at `rva`: u32 byte length, then UTF-16LE text (the
 * length excludes the terminating NUL).
 */
export function readMinidumpString(file: ByteReader, rva: number): string {
  const length = file.u32(rva);
  return file.utf16(rva + 4, length);
}

/** A Crashpad UTF-8 string at `rva`: u32 byte length, then the bytes. */
export function readUtf8String(file: ByteReader, rva: number): string {
  const length = file.u32(rva);
  return file.bytes(rva + 4, length).toString('utf8');
}

/** The last component of a Windows or POSIX path. */
export function pathLeaf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}
