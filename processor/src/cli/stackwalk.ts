/**
 * `crashstats-stackwalk`: walks the stacks of one minidump and prints the
 * result as minidump-stackwalk JSON or as human-readable text, like
 * rust-minidump's `minidump-stackwalk`.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  stackwalk,
  toHumanText,
  toJsonDump,
  type StackwalkResult,
} from '../stackwalk/index.js';
import {
  CachingSymbolSupplier,
  HttpSymbolSource,
  LocalSymbolSource,
  type SymbolSource,
  type SymbolSupplier,
} from '../symbols/index.js';

const USAGE = `Usage: crashstats-stackwalk [options] DUMP

Walks the stacks of every thread of the minidump DUMP and prints the
result: human-readable text (the default) or minidump-stackwalk JSON.

Options:
  --symbols-path DIR   read symbol files from DIR, laid out as
                       <debug file>/<DEBUG ID>/<name>.sym (repeatable)
  --symbols-url URL    download symbol files from a symbol server in the
                       same layout (repeatable; tried after the folders)
  --symbols-cache DIR  keep downloaded symbol files in DIR
  --json               print minidump-stackwalk JSON
  --human              print text (default)
  --pretty             indent the JSON
  --max-frames N       walk at most N frames per thread (default 1024)
  -h, --help           show this help

Exit codes: 0 walked; 1 the file cannot be read or is not a usable
minidump (the report still says why); 2 bad arguments.
`;

/** Where the CLI writes. */
export interface StackwalkIo {
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
}

/** A command-line mistake: usage goes to stderr, exit code 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

interface Settings {
  readonly dump: string;
  readonly json: boolean;
  readonly pretty: boolean;
  readonly maxFrames: number | undefined;
  readonly symbolPaths: readonly string[];
  readonly symbolUrls: readonly string[];
  readonly symbolCache: string | undefined;
}

function parseCommandLine(argv: readonly string[]): Settings | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        'symbols-path': { type: 'string', multiple: true },
        'symbols-url': { type: 'string', multiple: true },
        'symbols-cache': { type: 'string' },
        json: { type: 'boolean' },
        human: { type: 'boolean' },
        pretty: { type: 'boolean' },
        'max-frames': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message : String(error),
    );
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return 'help';
  }
  if (values.json && values.human) {
    throw new UsageError('--json and --human cannot be used together');
  }
  if (positionals.length !== 1 || positionals[0] === undefined) {
    throw new UsageError(
      positionals.length === 0
        ? 'no minidump given'
        : `expected one minidump, got ${positionals.length} arguments`,
    );
  }
  return {
    dump: positionals[0],
    json: values.json === true,
    pretty: values.pretty === true,
    maxFrames: maxFramesOf(values['max-frames']),
    symbolPaths: values['symbols-path'] ?? [],
    symbolUrls: (values['symbols-url'] ?? []).map(checkUrl),
    symbolCache: values['symbols-cache'],
  };
}

function maxFramesOf(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--max-frames must be a positive integer: ${text}`);
  }
  return n;
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--symbols-url is not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--symbols-url must be http or https: ${text}`);
  }
  return text;
}

/** The symbol supplier of the command line; none without sources. */
function symbolSupplier(settings: Settings): SymbolSupplier | undefined {
  const sources: SymbolSource[] = [
    ...settings.symbolPaths.map((dir) => new LocalSymbolSource(dir)),
    ...settings.symbolUrls.map(
      (baseUrl) =>
        new HttpSymbolSource(
          settings.symbolCache === undefined
            ? { baseUrl }
            : { baseUrl, cacheDir: settings.symbolCache },
        ),
    ),
  ];
  return sources.length === 0
    ? undefined
    : new CachingSymbolSupplier({ sources });
}

function render(result: StackwalkResult, settings: Settings): string {
  if (!settings.json) {
    return toHumanText(result);
  }
  const json = toJsonDump(result);
  return `${settings.pretty ? JSON.stringify(json, null, 2) : JSON.stringify(json)}\n`;
}

/**
 * Runs the CLI.
 *
 * @param argv - arguments after the program name
 * @param io - output streams
 * @returns the exit code: 0 walked, 1 unreadable or unusable dump,
 *   2 bad arguments
 */
export async function runStackwalk(
  argv: readonly string[],
  io: StackwalkIo,
): Promise<number> {
  let settings: Settings | 'help';
  try {
    settings = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`crashstats-stackwalk: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (settings === 'help') {
    io.out(USAGE);
    return 0;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(settings.dump);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.err(`crashstats-stackwalk: cannot read ${settings.dump}: ${reason}\n`);
    return 1;
  }
  const options = {
    symbols: symbolSupplier(settings),
    maxFrames: settings.maxFrames,
  };
  const result = await stackwalk(bytes, options);
  io.out(render(result, settings));
  if (result.status !== 'OK') {
    io.err(
      `crashstats-stackwalk: ${settings.dump}: ${result.status}` +
        `${result.error ? ` (${result.error})` : ''}\n`,
    );
    return 1;
  }
  return 0;
}

/**
 * Entry point used by `bin/crashstats-stackwalk.js`.
 *
 * @param argv - arguments after the program name
 * @returns the exit code
 */
export function main(argv: readonly string[]): Promise<number> {
  return runStackwalk(argv, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  process.exitCode = await main(process.argv.slice(2));
}
