/**
 * CodeView records of modules, and the Breakpad-style debug ids derived
 * from them (the ids symbol servers file symbols under).
 */
import { ByteReader, guidToHex, type Guid } from './byte-reader.js';

/** 'RSDS': PDB 7.0 (also used for Mach-O UUIDs by Breakpad and Crashpad). */
export const CV_SIGNATURE_RSDS = 0x53445352;
/** 'NB10': PDB 2.0. */
export const CV_SIGNATURE_NB10 = 0x3031424e;
/** 'BpEL': Breakpad's record holding an ELF build id. */
export const CV_SIGNATURE_ELF = 0x4270454c;

/** A decoded CodeView record. */
export type CodeViewRecord =
  | {
      readonly kind: 'pdb70';
      readonly guid: Guid;
      readonly age: number;
      readonly pdbFile: string;
    }
  | {
      readonly kind: 'pdb20';
      readonly signature: number;
      readonly age: number;
      readonly pdbFile: string;
    }
  | { readonly kind: 'elf'; readonly buildId: Buffer }
  | { readonly kind: 'unknown'; readonly signature: number };

/** Decodes a CodeView record from exactly its bytes. */
export function readCodeView(r: ByteReader): CodeViewRecord {
  const signature = r.u32(0);
  switch (signature) {
    case CV_SIGNATURE_RSDS:
      return {
        kind: 'pdb70',
        guid: r.guid(4),
        age: r.u32(20),
        pdbFile: r.utf8z(24, r.length - 24),
      };
    case CV_SIGNATURE_NB10:
      return {
        kind: 'pdb20',
        signature: r.u32(8),
        age: r.u32(12),
        pdbFile: r.utf8z(16, r.length - 16),
      };
    case CV_SIGNATURE_ELF:
      return { kind: 'elf', buildId: r.bytes(4, r.length - 4) };
    default:
      return { kind: 'unknown', signature };
  }
}

function hexUpper(value: number, pad = 0): string {
  return value.toString(16).toUpperCase().padStart(pad, '0');
}

/**
 * The debug id symbol servers use: GUID (or PDB 2.0 signature) in
 * uppercase hex followed by the age in unpadded uppercase hex. ELF build
 * ids become a GUID from their first 16 bytes (zero-padded) with age 0.
 * Undefined when the record carries no id.
 */
export function debugIdOf(cv: CodeViewRecord): string | undefined {
  switch (cv.kind) {
    case 'pdb70':
      return guidToHex(cv.guid) + hexUpper(cv.age);
    case 'pdb20':
      return hexUpper(cv.signature, 8) + hexUpper(cv.age);
    case 'elf': {
      // The build id bytes are read as if they were a stored GUID, which
      // byte-swaps the first three fields, as Breakpad's dump_syms does.
      const padded = Buffer.alloc(16);
      cv.buildId.copy(padded, 0, 0, 16);
      return guidToHex(new ByteReader(padded).guid(0)) + '0';
    }
    default:
      return undefined;
  }
}
