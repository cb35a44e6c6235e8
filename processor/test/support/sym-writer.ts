/**
 * Builds synthetic Breakpad `.sym` text for tests: MODULE, INFO CODE_ID,
 * FILE, INLINE_ORIGIN, FUNC with line and INLINE records, PUBLIC, STACK CFI
 * and STACK WIN. Numbers are given as numbers and written in the format's
 * hex or decimal; `raw` adds any line as is (for malformed input).
 *
 * @example
 * const text = new SymWriter({ os: 'Linux', cpu: 'x86_64', debugId: ID, debugFile: 'app' })
 *   .file(0, 'main.c')
 *   .func({ address: 0x1000, size: 0x20, name: 'main', lines: [[0x1000, 0x20, 7, 0]] })
 *   .cfiInit(0x1000, 0x20, { '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' })
 *   .toString();
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Fields of the MODULE line. */
export interface SymModuleFields {
  os: string;
  cpu: string;
  debugId: string;
  debugFile: string;
}

/** A line record: `[address, size, line, file id]`. */
export type SymLine = readonly [number, number, number, number];

/** An INLINE record. */
export interface SymInline {
  depth: number;
  callLine: number;
  /** Omit to write the older format, which has no call-site file. */
  callFile?: number;
  origin: number;
  /** `[address, size]` pairs. */
  ranges: ReadonlyArray<readonly [number, number]>;
}

/** A FUNC record with the records that belong to it. */
export interface SymFunc {
  address: number;
  size: number;
  parameterSize?: number;
  name: string;
  multiple?: boolean;
  /** Written before the line records, as dump_syms does. */
  inlines?: readonly SymInline[];
  lines?: readonly SymLine[];
}

/** A STACK WIN record; `programString` for type 4, `allocatesBasePointer` for type 0. */
export interface SymStackWin {
  type: 0 | 4;
  address: number;
  size: number;
  prologSize?: number;
  epilogSize?: number;
  parameterSize?: number;
  savedRegisterSize?: number;
  localSize?: number;
  maxStackSize?: number;
  programString?: string;
  allocatesBasePointer?: boolean;
}

/** CFI rules as text (`.cfa: $rsp 8 + .ra: …`) or register → expression. */
export type SymCfiRules = string | Readonly<Record<string, string>>;

const hex = (n: number): string => n.toString(16);

function rulesText(rules: SymCfiRules): string {
  return typeof rules === 'string'
    ? rules
    : Object.entries(rules)
        .map(([register, expr]) => `${register}: ${expr}`)
        .join(' ');
}

/** Accumulates records in order; every method returns the writer. */
export class SymWriter {
  private readonly lines: string[] = [];

  /** Starts with a MODULE line, unless `module` is null. */
  constructor(module: SymModuleFields | null) {
    if (module !== null) {
      const { os, cpu, debugId, debugFile } = module;
      this.lines.push(`MODULE ${os} ${cpu} ${debugId} ${debugFile}`);
    }
  }

  infoCodeId(codeId: string, codeFile?: string): this {
    return this.raw(`INFO CODE_ID ${codeId}${codeFile ? ` ${codeFile}` : ''}`);
  }

  file(id: number, name: string): this {
    return this.raw(`FILE ${id} ${name}`);
  }

  /** `fileId` writes the older format (`INLINE_ORIGIN <id> <file> <name>`). */
  inlineOrigin(id: number, name: string, fileId?: number): this {
    const file = fileId === undefined ? '' : `${fileId} `;
    return this.raw(`INLINE_ORIGIN ${id} ${file}${name}`);
  }

  func(f: SymFunc): this {
    const m = f.multiple ? 'm ' : '';
    const param = hex(f.parameterSize ?? 0);
    this.raw(`FUNC ${m}${hex(f.address)} ${hex(f.size)} ${param} ${f.name}`);
    for (const inline of f.inlines ?? []) {
      this.inline(inline);
    }
    for (const [address, size, line, file] of f.lines ?? []) {
      this.raw(`${hex(address)} ${hex(size)} ${line} ${file}`);
    }
    return this;
  }

  inline(i: SymInline): this {
    const file = i.callFile === undefined ? '' : `${i.callFile} `;
    const ranges = i.ranges.map(([a, s]) => `${hex(a)} ${hex(s)}`).join(' ');
    return this.raw(
      `INLINE ${i.depth} ${i.callLine} ${file}${i.origin} ${ranges}`,
    );
  }

  public(
    address: number,
    name: string,
    parameterSize = 0,
    multiple = false,
  ): this {
    const m = multiple ? 'm ' : '';
    return this.raw(`PUBLIC ${m}${hex(address)} ${hex(parameterSize)} ${name}`);
  }

  cfiInit(address: number, size: number, rules: SymCfiRules): this {
    return this.raw(
      `STACK CFI INIT ${hex(address)} ${hex(size)} ${rulesText(rules)}`,
    );
  }

  cfi(address: number, rules: SymCfiRules): this {
    return this.raw(`STACK CFI ${hex(address)} ${rulesText(rules)}`);
  }

  stackWin(w: SymStackWin): this {
    const numbers = [
      w.address,
      w.size,
      w.prologSize ?? 0,
      w.epilogSize ?? 0,
      w.parameterSize ?? 0,
      w.savedRegisterSize ?? 0,
      w.localSize ?? 0,
      w.maxStackSize ?? 0,
    ].map(hex);
    const tail =
      w.type === 4
        ? `1 ${w.programString ?? ''}`
        : `0 ${w.allocatesBasePointer ? 1 : 0}`;
    return this.raw(`STACK WIN ${w.type} ${numbers.join(' ')} ${tail}`);
  }

  /** Adds a line exactly as given. */
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  /** The text, `\n`-separated (or `\r\n`), ending with a line break. */
  toString(options: { crlf?: boolean } = {}): string {
    const eol = options.crlf ? '\r\n' : '\n';
    return this.lines.join(eol) + eol;
  }

  toBuffer(options: { crlf?: boolean } = {}): Buffer {
    return Buffer.from(this.toString(options), 'utf8');
  }
}

/** The `.sym` name for a debug file: `foo.pdb` → `foo.sym`, else `+ .sym`. */
export function symName(debugFile: string): string {
  return /\.pdb$/i.test(debugFile)
    ? `${debugFile.slice(0, -4)}.sym`
    : `${debugFile}.sym`;
}

/**
 * Writes symbol text under `root` in symbol-server layout and returns the
 * file's path: `<root>/<debugFile>/<debugId>/<symName>`.
 */
export async function writeSymbolTree(
  root: string,
  debugFile: string,
  debugId: string,
  text: string | Buffer,
): Promise<string> {
  const dir = join(root, debugFile, debugId);
  await mkdir(dir, { recursive: true });
  const path = join(dir, symName(debugFile));
  await writeFile(path, text);
  return path;
}
