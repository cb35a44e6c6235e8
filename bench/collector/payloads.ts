/**
 * Request bodies for the benchmark: multipart crash reports built once up
 * front (scenarios A and B) or streamed from one reused buffer (scenario C),
 * so the load generator spends its CPU on sending, not on building.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

/** A ready-to-send request body and the headers that go with it. */
export interface PreparedBody {
  body: Buffer;
  contentType: string;
  /** Set for whole-body gzip. */
  contentEncoding?: 'gzip';
  /** Size of the multipart body before compression. */
  uncompressedBytes: number;
}

/** Annotations a desktop crash reporter sends with every crash. */
export function sampleAnnotations(serial: number): Record<string, string> {
  return {
    ProductName: 'Firefox',
    Version: '128.0.3',
    BuildID: '20240725162350',
    ReleaseChannel: 'release',
    Vendor: 'Mozilla',
    CrashTime: String(1_722_000_000 + serial),
    StartupTime: String(1_721_999_000 + serial),
    InstallTime: '1721000000',
  };
}

/** A boundary that cannot occur in the dump bytes we generate by chance. */
function newBoundary(): string {
  return `----crashstats-bench-${randomBytes(12).toString('hex')}`;
}

function textPart(boundary: string, name: string, value: string): string {
  return (
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${name}"\r\n` +
    'Content-Type: text/plain\r\n\r\n' +
    `${value}\r\n`
  );
}

function jsonPart(boundary: string, value: unknown): string {
  return (
    `--${boundary}\r\n` +
    'Content-Disposition: form-data; name="extra"\r\n' +
    'Content-Type: application/json\r\n\r\n' +
    `${JSON.stringify(value)}\r\n`
  );
}

function dumpHeader(boundary: string, name: string): string {
  return (
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${name}"; filename="${name}.dmp"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  );
}

function closing(boundary: string): string {
  return `\r\n--${boundary}--\r\n`;
}

/** How the annotations travel: one text part each, or one JSON part. */
export type AnnotationStyle = 'form' | 'json';

/** The bytes before the dump: annotations, then the dump part's header. */
function headBytes(
  boundary: string,
  annotations: Record<string, string>,
  style: AnnotationStyle,
): string {
  const parts =
    style === 'json'
      ? jsonPart(boundary, annotations)
      : Object.entries(annotations)
          .map(([name, value]) => textPart(boundary, name, value))
          .join('');
  return parts + dumpHeader(boundary, 'upload_file_minidump');
}

/** A whole multipart crash report around one dump. */
export function buildReport(
  dump: Buffer,
  serial: number,
  style: AnnotationStyle,
  gzip: boolean,
): PreparedBody {
  const boundary = newBoundary();
  const multipart = Buffer.concat([
    Buffer.from(headBytes(boundary, sampleAnnotations(serial), style)),
    dump,
    Buffer.from(closing(boundary)),
  ]);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (!gzip) {
    return {
      body: multipart,
      contentType,
      uncompressedBytes: multipart.length,
    };
  }
  return {
    body: gzipSync(multipart),
    contentType,
    contentEncoding: 'gzip',
    uncompressedBytes: multipart.length,
  };
}

/** Deterministic 32-bit generator so every run builds the same "dumps". */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: cheap and good enough to spread bytes around.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

const PAGE = 4096;
const MODULE_NAMES = [
  'C:\\Program Files\\Mozilla Firefox\\xul.dll',
  'C:\\Program Files\\Mozilla Firefox\\mozglue.dll',
  'C:\\Windows\\System32\\ntdll.dll',
  'C:\\Windows\\System32\\kernel32.dll',
  'C:\\Windows\\System32\\user32.dll',
  'C:\\Windows\\System32\\d3d11.dll',
];

/**
 * Bytes shaped like a Windows minidump rather than noise: a small header,
 * then 4 KiB pages that are, by weight, untouched (zero) memory, stack pages
 * full of similar pointers and small integers, module-name tables in UTF-16,
 * and some high-entropy pages standing for code and heap contents. It
 * compresses roughly as real dumps do, which random bytes never would.
 */
export function minidumpLike(size: number, seed: number): Buffer {
  const next = seededRandom(seed);
  const out = Buffer.alloc(size);
  out.write('MDMP', 0, 'latin1');
  out.writeUInt32LE(0xa793, 4);
  out.writeUInt32LE(14, 8);
  for (let start = 32; start < size; start += PAGE) {
    const end = Math.min(start + PAGE, size);
    const kind = next() % 100;
    if (kind < 40) {
      continue; // zero page
    }
    if (kind < 70) {
      fillStackPage(out, start, end, next);
    } else if (kind < 82) {
      fillModulePage(out, start, end, next);
    } else {
      for (let i = start; i < end; i += 4) {
        out.writeUInt32LE(next(), i);
      }
    }
  }
  return out;
}

/** Return addresses into a few modules, saved registers, small counters. */
function fillStackPage(
  out: Buffer,
  start: number,
  end: number,
  next: () => number,
): void {
  const bases = [0x7ff8_1000, 0x7ff8_4000, 0x7ffa_0000];
  for (let i = start; i + 8 <= end; i += 8) {
    const pick = next() % 8;
    if (pick < 3) {
      out.writeUInt32LE(bases[pick]! + (next() % 0x4000) * 16, i);
      out.writeUInt32LE(0x0000_7ff8, i + 4);
    } else if (pick < 5) {
      out.writeUInt32LE(next() % 256, i);
    }
    // otherwise a zero slot
  }
}

/** UTF-16 module paths, as the module list stream carries them. */
function fillModulePage(
  out: Buffer,
  start: number,
  end: number,
  next: () => number,
): void {
  let at = start;
  while (at < end) {
    const name = MODULE_NAMES[next() % MODULE_NAMES.length]!;
    const written = out.write(name, at, end - at, 'utf16le');
    at += written + 8;
  }
}

/**
 * A body of exactly `totalBytes` streamed from one reused buffer, so many
 * concurrent 25 MB uploads cost the benchmark almost no memory.
 */
export class StreamedReport {
  readonly contentType: string;
  readonly totalBytes: number;
  private readonly head: Buffer;
  private readonly tail: Buffer;
  private readonly dumpBytes: number;

  constructor(
    totalBytes: number,
    private readonly block: Buffer,
  ) {
    const boundary = newBoundary();
    this.contentType = `multipart/form-data; boundary=${boundary}`;
    this.head = Buffer.from(headBytes(boundary, sampleAnnotations(0), 'form'));
    this.tail = Buffer.from(closing(boundary));
    this.dumpBytes = totalBytes - this.head.length - this.tail.length;
    if (this.dumpBytes <= 0) {
      throw new Error(`a ${totalBytes}-byte body cannot hold a dump`);
    }
    this.totalBytes = totalBytes;
  }

  /** A fresh readable of the whole body; the block is shared, never copied. */
  open(): Readable {
    const { head, tail, block, dumpBytes } = this;
    function* chunks(): Generator<Buffer> {
      yield head;
      let left = dumpBytes;
      while (left > 0) {
        const n = Math.min(left, block.length);
        yield n === block.length ? block : block.subarray(0, n);
        left -= n;
      }
      yield tail;
    }
    return Readable.from(chunks(), { objectMode: false });
  }
}
