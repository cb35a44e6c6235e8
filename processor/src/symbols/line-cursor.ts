/**
 * A cursor over one line of a symbol file held in a Buffer. Numbers are read
 * straight from the bytes so that parsing a line creates no strings except
 * the names it keeps.
 */

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/** Largest hex digit count whose value is always a safe integer (2^52). */
const SAFE_HEX_DIGITS = 13;

/** Value of one hex digit byte, or -1. */
function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) {
    return byte - 0x30;
  }
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) {
    return lower - 0x61 + 10;
  }
  return -1;
}

/**
 * Reads space-separated fields of `buf[pos, end)`. Every reader returns NaN
 * (numbers) or undefined (text) when the field is missing or malformed, and
 * then leaves the cursor where it was.
 */
export class LineCursor {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  /** Points the cursor at a new line; `end` excludes the line feed. */
  reset(buf: Buffer, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    let e = end;
    while (e > start && buf[e - 1] === CR) {
      e--;
    }
    this.end = e;
  }

  /** True when nothing but blanks is left. */
  atEnd(): boolean {
    this.skipBlanks();
    return this.pos >= this.end;
  }

  /** Skips spaces and tabs; returns how many. */
  skipBlanks(): number {
    const start = this.pos;
    while (this.pos < this.end) {
      const b = this.buf[this.pos];
      if (b !== SPACE && b !== TAB) {
        break;
      }
      this.pos++;
    }
    return this.pos - start;
  }

  /** Consumes `word` when it is the next field, followed by a blank or EOL. */
  keyword(word: string): boolean {
    this.skipBlanks();
    const n = word.length;
    if (this.pos + n > this.end) {
      return false;
    }
    for (let i = 0; i < n; i++) {
      if (this.buf[this.pos + i] !== word.charCodeAt(i)) {
        return false;
      }
    }
    const after = this.buf[this.pos + n];
    if (this.pos + n < this.end && after !== SPACE && after !== TAB) {
      return false;
    }
    this.pos += n;
    return true;
  }

  /**
   * Reads a hex field. Values above 2^53 are refused (NaN) because module
   * offsets are kept as JS numbers.
   */
  hex(): number {
    this.skipBlanks();
    const start = this.pos;
    let value = 0;
    let p = start;
    while (p < this.end) {
      const d = hexDigit(this.buf[p] ?? 0);
      if (d < 0) {
        break;
      }
      value = value * 16 + d;
      p++;
    }
    if (p === start || !this.fieldEndsAt(p)) {
      return NaN;
    }
    // LIMITATION: offsets and sizes are JS numbers, exact up to 2^53; a
    // record with a larger value (absolute kernel addresses in some .sym
    // files) is counted as malformed and skipped. Module-relative offsets of
    // real binaries are far below that. See docs/limitations.md.
    if (p - start > SAFE_HEX_DIGITS && value > Number.MAX_SAFE_INTEGER) {
      return NaN;
    }
    this.pos = p;
    return value;
  }

  /** Reads an unsigned decimal field. */
  dec(): number {
    this.skipBlanks();
    const start = this.pos;
    let value = 0;
    let p = start;
    while (p < this.end) {
      const b = this.buf[p] ?? 0;
      if (b < 0x30 || b > 0x39) {
        break;
      }
      value = value * 10 + (b - 0x30);
      p++;
    }
    if (p === start || !this.fieldEndsAt(p) || value > 0xffffffff) {
      return NaN;
    }
    this.pos = p;
    return value;
  }

  /** Reads one field as text. */
  word(): string | undefined {
    this.skipBlanks();
    const start = this.pos;
    let p = start;
    while (p < this.end) {
      const b = this.buf[p];
      if (b === SPACE || b === TAB) {
        break;
      }
      p++;
    }
    if (p === start) {
      return undefined;
    }
    this.pos = p;
    return this.buf.toString('utf8', start, p);
  }

  /** The rest of the line after blanks, or undefined when it is empty. */
  rest(): string | undefined {
    this.skipBlanks();
    if (this.pos >= this.end) {
      return undefined;
    }
    const text = this.buf.toString('utf8', this.pos, this.end);
    this.pos = this.end;
    return text;
  }

  /** True when the next field is made of hex digits only; does not move. */
  fieldIsHex(): boolean {
    let p = this.pos;
    while (p < this.end && hexDigit(this.buf[p] ?? 0) >= 0) {
      p++;
    }
    return p > this.pos && this.fieldEndsAt(p);
  }

  /** Counts the blank-separated fields left on the line, without moving. */
  countFields(): number {
    let count = 0;
    let inField = false;
    for (let p = this.pos; p < this.end; p++) {
      const b = this.buf[p];
      const blank = b === SPACE || b === TAB;
      if (!blank && !inField) {
        count++;
      }
      inField = !blank;
    }
    return count;
  }

  private fieldEndsAt(p: number): boolean {
    if (p >= this.end) {
      return true;
    }
    const b = this.buf[p];
    return b === SPACE || b === TAB;
  }
}
