/**
 * Encoders of individual minidump streams for the synthetic writer. Each
 * returns the stream bytes; data it points at (strings, records) is
 * appended to the file through an {@link Out}.
 */

/** The growing file body; returns RVAs of what is appended. */
export class Out {
  private readonly chunks: Buffer[] = [];
  private size: number;

  /** @param start - bytes reserved before the body (header, directory) */
  constructor(start: number) {
    this.size = start;
    this.chunks.push(Buffer.alloc(start));
  }

  /** Appends `buf` at the next multiple of `align`; returns its RVA. */
  put(buf: Buffer, align = 4): number {
    const pad = (align - (this.size % align)) % align;
    if (pad > 0) {
      this.chunks.push(Buffer.alloc(pad));
      this.size += pad;
    }
    const rva = this.size;
    this.chunks.push(buf);
    this.size += buf.length;
    return rva;
  }

  /** Appends a MINIDUMP_STRING (u32 byte length, UTF-16LE, NUL). */
  string(text: string): number {
    const body = Buffer.from(`${text}\0`, 'utf16le');
    const buf = Buffer.alloc(4 + body.length);
    buf.writeUInt32LE(body.length - 2, 0);
    body.copy(buf, 4);
    return this.put(buf);
  }

  /** Appends a Crashpad string (u32 byte length, UTF-8, NUL). */
  utf8(text: string | Buffer): number {
    const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const buf = Buffer.alloc(4 + body.length + 1);
    buf.writeUInt32LE(body.length, 0);
    body.copy(buf, 4);
    return this.put(buf);
  }

  /** The whole file with `head` written over the reserved start. */
  finish(head: Buffer): Buffer {
    const file = Buffer.concat(this.chunks);
    head.copy(file, 0);
    return file;
  }
}

/** A GUID (dashed or 32 hex digits) in its stored little-endian layout. */
export function guidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new Error(`not a GUID: ${text}`);
  }
  const buf = Buffer.alloc(16);
  buf.writeUInt32LE(parseInt(hex.slice(0, 8), 16), 0);
  buf.writeUInt16LE(parseInt(hex.slice(8, 12), 16), 4);
  buf.writeUInt16LE(parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(buf, 8);
  return buf;
}

/** A u32 count followed by `count` entries of `size` bytes. */
export function countedList(
  count: number,
  size: number,
  fill: (buf: Buffer, at: number, index: number) => void,
): Buffer {
  const buf = Buffer.alloc(4 + count * size);
  buf.writeUInt32LE(count, 0);
  for (let i = 0; i < count; i++) {
    fill(buf, 4 + i * size, i);
  }
  return buf;
}

/** Writes an MDLocationDescriptor {size, rva}. */
export function writeLocation(
  buf: Buffer,
  at: number,
  size: number,
  rva: number,
): void {
  buf.writeUInt32LE(size, at);
  buf.writeUInt32LE(rva, at + 4);
}

/** Annotation object of a Crashpad module entry. */
export interface AnnotationObjectSpec {
  readonly name: string;
  /** 1 = string; 0x8000+ application-defined. */
  readonly type: number;
  readonly value: string | Buffer;
}

/** Crashpad data of one module. */
export interface CrashpadModuleSpec {
  /** Index in the module list. */
  readonly index: number;
  readonly list?: readonly string[];
  readonly simple?: Readonly<Record<string, string>>;
  readonly objects?: readonly AnnotationObjectSpec[];
  /** Write the old 20-byte entry without annotation objects. */
  readonly legacy?: boolean;
}

/** The Crashpad info stream. */
export interface CrashpadSpec {
  readonly reportId?: string;
  readonly clientId?: string;
  readonly simple?: Readonly<Record<string, string>>;
  readonly modules?: readonly CrashpadModuleSpec[];
  /** When set, the 64-byte stream with address_mask is written. */
  readonly addressMask?: bigint;
}

function dictionary(
  out: Out,
  entries: Readonly<Record<string, string>> | undefined,
): [number, number] {
  const pairs = Object.entries(entries ?? {});
  if (pairs.length === 0) {
    return [0, 0];
  }
  const rvas = pairs.map(([k, v]) => [out.utf8(k), out.utf8(v)] as const);
  const buf = countedList(rvas.length, 8, (b, at, i) => {
    b.writeUInt32LE(rvas[i]?.[0] ?? 0, at);
    b.writeUInt32LE(rvas[i]?.[1] ?? 0, at + 4);
  });
  return [buf.length, out.put(buf)];
}

function stringList(
  out: Out,
  items: readonly string[] | undefined,
): [number, number] {
  if (!items?.length) {
    return [0, 0];
  }
  const rvas = items.map((s) => out.utf8(s));
  const buf = countedList(rvas.length, 4, (b, at, i) =>
    b.writeUInt32LE(rvas[i] ?? 0, at),
  );
  return [buf.length, out.put(buf)];
}

function objectList(
  out: Out,
  items: readonly AnnotationObjectSpec[] | undefined,
): [number, number] {
  if (!items?.length) {
    return [0, 0];
  }
  const rvas = items.map(
    (o) =>
      [
        out.utf8(o.name),
        out.utf8(typeof o.value === 'string' ? Buffer.from(o.value) : o.value),
      ] as const,
  );
  const buf = countedList(items.length, 12, (b, at, i) => {
    b.writeUInt32LE(rvas[i]?.[0] ?? 0, at);
    b.writeUInt16LE(items[i]?.type ?? 0, at + 4);
    b.writeUInt32LE(rvas[i]?.[1] ?? 0, at + 8);
  });
  return [buf.length, out.put(buf)];
}

/** Encodes the Crashpad info stream and everything it points at. */
export function encodeCrashpad(out: Out, spec: CrashpadSpec): Buffer {
  const links = (spec.modules ?? []).map((m) => {
    const info = Buffer.alloc(m.legacy ? 20 : 28);
    info.writeUInt32LE(1, 0);
    writeLocation(info, 4, ...stringList(out, m.list));
    writeLocation(info, 12, ...dictionary(out, m.simple));
    if (!m.legacy) {
      writeLocation(info, 20, ...objectList(out, m.objects));
    }
    return [m.index, info.length, out.put(info)] as const;
  });
  const stream = Buffer.alloc(spec.addressMask === undefined ? 52 : 64);
  stream.writeUInt32LE(1, 0);
  guidBytes(spec.reportId ?? '00000000-0000-0000-0000-000000000000').copy(
    stream,
    4,
  );
  guidBytes(spec.clientId ?? '00000000-0000-0000-0000-000000000000').copy(
    stream,
    20,
  );
  writeLocation(stream, 36, ...dictionary(out, spec.simple));
  if (links.length > 0) {
    const list = countedList(links.length, 12, (b, at, i) => {
      const [index = 0, size = 0, rva = 0] = links[i] ?? [];
      b.writeUInt32LE(index, at);
      writeLocation(b, at + 4, size, rva);
    });
    writeLocation(stream, 44, list.length, out.put(list));
  }
  if (spec.addressMask !== undefined) {
    stream.writeBigUInt64LE(spec.addressMask, 56);
  }
  return stream;
}
