/**
 * The signature lists: which frames are irrelevant (skipped), which are
 * prefixes (kept, and the walk goes on), which functions get their line
 * number, and the sentinels a signature starts at. They are text files in
 * `common/data/signature/`; a deployment replaces the directory or adds
 * files and entries of its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The four lists. */
export type SignatureListName =
  'irrelevant' | 'prefix' | 'lineNumbers' | 'sentinels';

/** A sentinel that applies only when `when(frames)` holds for the normalized frames. */
export interface ConditionalSentinel {
  /** The normalized frame to start at. */
  readonly frame: string;
  /** Decides, from all normalized frames, whether the sentinel applies. */
  readonly when: (frames: readonly string[]) => boolean;
}

/** A sentinel: a normalized frame, compared for equality. */
export type Sentinel = string | ConditionalSentinel;

/** Where lists come from besides the bundled files. */
export interface SignatureListOptions {
  /**
   * Directory replacing the bundled one. Each list is read from its file
   * name here (`irrelevant.txt`, ...) or siggen's (`irrelevant_signature_re.txt`, ...).
   */
  readonly listDir?: string;
  /** Files whose entries are appended to a list, in order. */
  readonly extraFiles?: {
    readonly [L in SignatureListName]?: readonly string[];
  };
  /** Entries appended to a list after the files. */
  readonly extraEntries?: {
    readonly irrelevant?: readonly string[];
    readonly prefix?: readonly string[];
    readonly lineNumbers?: readonly string[];
    readonly sentinels?: readonly Sentinel[];
  };
}

/** Loaded lists, ready for signature generation. */
export interface SignatureLists {
  /** Irrelevant frames (anchored at the start, like Python's `re.match`). */
  readonly irrelevant: RegExp;
  /** Prefix frames (anchored at the start). */
  readonly prefix: RegExp;
  /** Functions that get `:<line>` appended (anchored at the start). */
  readonly lineNumbers: RegExp;
  /** Sentinels, in list order. */
  readonly sentinels: readonly Sentinel[];
  /** The files and entry sets the lists were built from, for the debug log. */
  readonly sources: readonly string[];
}

/** Thrown for a missing list file or an entry that is not a valid regular expression. */
export class SignatureListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureListError';
  }
}

/**
 * The bundled lists: `common/data/signature/` (from `src/` or `dist/`).
 * LIMITATION: the bundled lists are CrashStats' own, not Mozilla's, so
 * signatures equal crash-stats.mozilla.org's only where both lists agree;
 * point `listDir` at siggen's `siglists/` for Mozilla-identical signatures.
 */
export const BUNDLED_LIST_DIR = fileURLToPath(
  new URL('../../data/signature/', import.meta.url),
);

const FILE_NAMES: Readonly<Record<SignatureListName, readonly string[]>> = {
  irrelevant: ['irrelevant.txt', 'irrelevant_signature_re.txt'],
  prefix: ['prefix.txt', 'prefix_signature_re.txt'],
  lineNumbers: ['line-numbers.txt', 'signatures_with_line_numbers_re.txt'],
  sentinels: ['sentinels.txt', 'signature_sentinels.txt'],
};

const REGEX_LISTS: readonly SignatureListName[] = [
  'irrelevant',
  'prefix',
  'lineNumbers',
];

/**
 * Throws when `entry` is not a valid JavaScript regular expression.
 * LIMITATION: entries are JavaScript regular expressions; Python-only syntax
 * in a siggen list directory (`(?P<name>...)`, `\Z`, inline flags such as
 * `(?i)`) is rejected with an error naming the file and line.
 */
function checkRegExp(entry: string, where: string): void {
  try {
    new RegExp(entry);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SignatureListError(
      `${where}: invalid regular expression: ${reason}`,
    );
  }
}

/**
 * Reads list text: one entry per line, trimmed; blank lines and lines
 * starting with `#` are skipped (a `#` later in a line is part of the entry).
 *
 * @param text - the file contents
 * @param source - name used in error messages
 * @param regex - check each entry compiles as a regular expression
 */
export function parseSignatureList(
  text: string,
  source: string,
  regex: boolean,
): string[] {
  const entries: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) {
      return;
    }
    if (regex) {
      checkRegExp(entry, `${source}:${index + 1}`);
    }
    entries.push(entry);
  });
  return entries;
}

/**
 * One regular expression matching any entry at the start of a string.
 * NOTE: an empty list matches nothing (Python's `re.compile('')` would match
 * every frame).
 */
export function buildListRegExp(entries: readonly string[]): RegExp {
  if (entries.length === 0) {
    return /(?!)/;
  }
  return new RegExp(`^(?:${entries.map((e) => `(?:${e})`).join('|')})`);
}

/** Finds a list's file in `dir`, under our name or siggen's. */
function listFile(dir: string, name: SignatureListName): string {
  for (const fileName of FILE_NAMES[name]) {
    const path = join(dir, fileName);
    if (existsSync(path)) {
      return path;
    }
  }
  throw new SignatureListError(
    `no ${name} list in ${dir} (looked for ${FILE_NAMES[name].join(', ')})`,
  );
}

/** Reads a list file. */
function readList(path: string, name: SignatureListName): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SignatureListError(`cannot read ${name} list ${path}: ${reason}`);
  }
  return parseSignatureList(text, path, REGEX_LISTS.includes(name));
}

/** Entries of one list from the base directory, extra files and extra entries. */
function collectEntries(
  name: SignatureListName,
  options: SignatureListOptions,
  sources: string[],
): Sentinel[] {
  const base = listFile(options.listDir ?? BUNDLED_LIST_DIR, name);
  sources.push(base);
  const entries: Sentinel[] = readList(base, name);
  for (const path of options.extraFiles?.[name] ?? []) {
    sources.push(path);
    entries.push(...readList(path, name));
  }
  const extra = options.extraEntries?.[name] ?? [];
  extra.forEach((entry, index) => {
    if (typeof entry === 'string' && REGEX_LISTS.includes(name)) {
      checkRegExp(entry, `extra ${name} entry ${index + 1}`);
    }
    entries.push(entry);
  });
  if (extra.length > 0) {
    sources.push(`${extra.length} extra ${name} entries`);
  }
  return entries;
}

/** Regex entries only (sentinel objects never reach a regex list). */
function patterns(entries: readonly Sentinel[]): string[] {
  return entries.filter((e): e is string => typeof e === 'string');
}

/**
 * Loads the lists: the bundled files (or `listDir`), then `extraFiles`, then
 * `extraEntries`, each appended in order.
 *
 * @throws SignatureListError for a missing file or an invalid regular expression
 */
export function loadSignatureLists(
  options: SignatureListOptions = {},
): SignatureLists {
  const sources: string[] = [];
  return {
    irrelevant: buildListRegExp(
      patterns(collectEntries('irrelevant', options, sources)),
    ),
    prefix: buildListRegExp(
      patterns(collectEntries('prefix', options, sources)),
    ),
    lineNumbers: buildListRegExp(
      patterns(collectEntries('lineNumbers', options, sources)),
    ),
    sentinels: collectEntries('sentinels', options, sources),
    sources,
  };
}

let bundled: SignatureLists | undefined;

/** The bundled lists, read once and cached. */
export function defaultSignatureLists(): SignatureLists {
  bundled ??= loadSignatureLists();
  return bundled;
}
