/**
 * Parser of Breakpad text symbol files (`.sym`). It walks the bytes line by
 * line, reads numbers in place, and hands each record to a SymBuilder.
 * Unknown records are skipped and counted; malformed lines of known records
 * are skipped and counted; nothing a file contains makes it throw.
 */
import { LineCursor } from './line-cursor.js';
import { stackRecord } from './stack-records.js';
import { SymBuilder } from './sym-builder.js';
import type { SymbolTableData } from './table-data.js';
import type { SymModule } from './types.js';

const LF = 0x0a;

/**
 * Parses a whole symbol file held in memory.
 *
 * LIMITATION: the file is parsed from one Buffer, so a symbol file must fit
 * in memory (Node's Buffer limit, and the cache budget) while it is parsed;
 * there is no streaming parse. See docs/limitations.md.
 */
export function parseSymbolData(input: Uint8Array | string): SymbolTableData {
  const buf =
    typeof input === 'string'
      ? Buffer.from(input, 'utf8')
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const builder = new SymBuilder();
  const cursor = new LineCursor();
  let start = hasBom(buf) ? 3 : 0;
  while (start < buf.length) {
    let end = buf.indexOf(LF, start);
    if (end < 0) {
      end = buf.length;
    }
    builder.counters.lines++;
    cursor.reset(buf, start, end);
    if (!cursor.atEnd() && !parseRecord(cursor, builder)) {
      builder.counters.malformed++;
    }
    start = end + 1;
  }
  return builder.finish(buf.length);
}

/**
 * Reads the MODULE record that must open a symbol file, from the first
 * bytes of the file (at least its first line). Undefined when the first
 * non-blank line is not a valid MODULE record.
 */
export function readModuleRecord(head: Uint8Array): SymModule | undefined {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const cursor = new LineCursor();
  let start = hasBom(buf) ? 3 : 0;
  while (start < buf.length) {
    let end = buf.indexOf(LF, start);
    if (end < 0) {
      end = buf.length;
    }
    cursor.reset(buf, start, end);
    if (!cursor.atEnd()) {
      const builder = new SymBuilder();
      const ok = cursor.keyword('MODULE') && moduleRecord(cursor, builder);
      return ok ? builder.module : undefined;
    }
    start = end + 1;
  }
  return undefined;
}

function hasBom(buf: Buffer): boolean {
  return buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** True for bytes that begin a line record: digits and lowercase hex. */
function startsLineRecord(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66);
}

/** Parses one non-blank line; false when it is malformed. */
function parseRecord(c: LineCursor, b: SymBuilder): boolean {
  const first = c.buf[c.pos] ?? 0;
  if (startsLineRecord(first)) {
    return lineRecord(c, b);
  }
  switch (first) {
    case 0x46: // F
      if (c.keyword('FUNC')) {
        return funcRecord(c, b);
      }
      if (c.keyword('FILE')) {
        return fileRecord(c, b);
      }
      break;
    case 0x50: // P
      if (c.keyword('PUBLIC')) {
        return publicRecord(c, b);
      }
      break;
    case 0x53: // S
      if (c.keyword('STACK')) {
        return stackRecord(c, b);
      }
      break;
    case 0x49: // I
      return infoOrInlineRecord(c, b);
    case 0x4d: // M
      if (c.keyword('MODULE')) {
        return moduleRecord(c, b);
      }
      break;
  }
  // Uppercase hex is unusual but valid in a line record.
  if (c.fieldIsHex()) {
    return lineRecord(c, b);
  }
  b.counters.ignored++;
  return true;
}

/** `<address> <size> <line> <file>`, belonging to the preceding FUNC. */
function lineRecord(c: LineCursor, b: SymBuilder): boolean {
  const address = c.hex();
  const size = c.hex();
  c.skipBlanks();
  const negative = c.pos < c.end && c.buf[c.pos] === 0x2d;
  if (negative) {
    c.pos++;
  }
  const line = c.dec();
  const file = c.dec();
  if (Number.isNaN(address + size + line + file) || !c.atEnd()) {
    return false;
  }
  // Negative line numbers occur in the wild; treat them as "no line".
  return b.addLine(address, size, negative ? 0 : line, file);
}

/** `MODULE <os> <cpu> <debug id> <debug file>`; the first one counts. */
function moduleRecord(c: LineCursor, b: SymBuilder): boolean {
  const os = c.word();
  const cpu = c.word();
  const debugId = c.word();
  const debugFile = c.rest();
  if (
    os === undefined ||
    cpu === undefined ||
    debugId === undefined ||
    debugFile === undefined ||
    !/^[0-9a-fA-F]+$/.test(debugId)
  ) {
    return false;
  }
  b.module ??= { os, cpu, debugId: debugId.toUpperCase(), debugFile };
  return true;
}

/** `INFO CODE_ID …`, other INFO records, `INLINE_ORIGIN`, `INLINE`. */
function infoOrInlineRecord(c: LineCursor, b: SymBuilder): boolean {
  if (c.keyword('INFO')) {
    if (c.keyword('CODE_ID')) {
      const codeId = c.word();
      if (codeId === undefined) {
        return false;
      }
      b.codeId ??= { codeId, codeFile: c.rest() };
    }
    return true;
  }
  if (c.keyword('INLINE_ORIGIN')) {
    const id = c.dec();
    const text = c.rest();
    if (Number.isNaN(id) || text === undefined) {
      return false;
    }
    b.addInlineOrigin(id, text);
    return true;
  }
  if (c.keyword('INLINE')) {
    return inlineRecord(c, b);
  }
  b.counters.ignored++;
  return true;
}

/**
 * `INLINE <depth> <call line> <call file> <origin> (<address> <size>)+`;
 * the older format has no call file, which the field count tells apart.
 */
function inlineRecord(c: LineCursor, b: SymBuilder): boolean {
  const depth = c.dec();
  const callLine = c.dec();
  const fields = c.countFields();
  if (Number.isNaN(depth + callLine) || fields < 3) {
    return false;
  }
  const callFile = fields % 2 === 0 ? c.dec() : undefined;
  const origin = c.dec();
  if (Number.isNaN(origin + (callFile ?? 0))) {
    return false;
  }
  if (!b.beginInline(depth, callLine, callFile, origin)) {
    return false;
  }
  while (!c.atEnd()) {
    const address = c.hex();
    const size = c.hex();
    if (Number.isNaN(address + size)) {
      b.abandonInline();
      return false;
    }
    b.addInlineRange(address, size);
  }
  return true;
}

/** `FILE <id> <name>`. */
function fileRecord(c: LineCursor, b: SymBuilder): boolean {
  const id = c.dec();
  const name = c.rest();
  if (Number.isNaN(id) || name === undefined) {
    return false;
  }
  b.addFile(id, name);
  return true;
}

/** `FUNC [m] <address> <size> <parameter size> <name>`. */
function funcRecord(c: LineCursor, b: SymBuilder): boolean {
  const multiple = c.keyword('m');
  const address = c.hex();
  const size = c.hex();
  const parameterSize = c.hex();
  if (Number.isNaN(address + size + parameterSize)) {
    // Its line records must not attach to the function before it.
    b.addFunc(0, 0, 0, false, '');
    return false;
  }
  b.addFunc(address, size, parameterSize, multiple, c.rest() ?? '');
  return true;
}

/** `PUBLIC [m] <address> <parameter size> <name>`. */
function publicRecord(c: LineCursor, b: SymBuilder): boolean {
  const multiple = c.keyword('m');
  const address = c.hex();
  const parameterSize = c.hex();
  if (Number.isNaN(address + parameterSize)) {
    return false;
  }
  // Address 0 is never code; Breakpad drops these (seen in ntdll.pdb).
  if (address !== 0) {
    b.addPublic(address, parameterSize, multiple, c.rest() ?? '');
  }
  return true;
}
