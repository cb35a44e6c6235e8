/**
 * `crashstats-signify`: reads one crash-data JSON document (siggen's
 * signature input; a processed crash with `json_dump` is converted first)
 * on stdin and prints `{"signature", "proto_signature", "notes"}`, like
 * siggen's `signify`. Bad input: a message on stderr and exit code 1.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  generateSignatureDetails,
  loadSignatureLists,
  parseSignatureInput,
  signatureInputFromProcessedCrash,
  type SignatureListName,
  type SignatureListOptions,
} from '@crashstats/common';

const USAGE = `Usage: crashstats-signify [options] < crash-data.json

Generates the crash signature of one crash-data JSON document read on stdin
(siggen's signature input; a processed crash with json_dump is converted
first) and prints {"signature", "proto_signature", "notes"} as JSON.

Options:
  --list-dir DIR       read the lists from DIR instead of the bundled ones
                       (alias --signature-list-dir; siggen file names work)
  --irrelevant FILE    add the entries of FILE to the irrelevant list
  --prefix FILE        add the entries of FILE to the prefix list
  --line-numbers FILE  add the entries of FILE to the line-number list
  --sentinels FILE     add the entries of FILE to the sentinel list
                       (each of the four may be repeated)
  -v, --verbose        write the debug log to stderr
  -h, --help           show this help
`;

/** Where the CLI reads and writes. */
export interface SignifyIo {
  /** The whole of standard input. */
  readonly readInput: () => Promise<string>;
  /** Writes to standard output. */
  readonly out: (text: string) => void;
  /** Writes to standard error. */
  readonly err: (text: string) => void;
}

const EXTRA_LIST_FLAGS: Readonly<Record<string, SignatureListName>> = {
  irrelevant: 'irrelevant',
  prefix: 'prefix',
  'line-numbers': 'lineNumbers',
  sentinels: 'sentinels',
};

/** Parses the command line. */
function parseCommandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      'list-dir': { type: 'string' },
      'signature-list-dir': { type: 'string' },
      irrelevant: { type: 'string', multiple: true },
      prefix: { type: 'string', multiple: true },
      'line-numbers': { type: 'string', multiple: true },
      sentinels: { type: 'string', multiple: true },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

type CommandLine = ReturnType<typeof parseCommandLine>;

/** List options from the command line. */
function listOptions(values: CommandLine): SignatureListOptions {
  const extraFiles: { [L in SignatureListName]?: string[] } = {};
  for (const [flag, list] of Object.entries(EXTRA_LIST_FLAGS)) {
    const files = values[flag as keyof CommandLine];
    if (Array.isArray(files)) {
      extraFiles[list] = files;
    }
  }
  const listDir = values['list-dir'] ?? values['signature-list-dir'];
  return listDir === undefined ? { extraFiles } : { listDir, extraFiles };
}

/** Parses stdin as JSON, converting a processed crash. */
function readCrashData(text: string) {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`stdin is not valid JSON: ${reason}`);
  }
  if (
    document !== null &&
    typeof document === 'object' &&
    !Array.isArray(document) &&
    'json_dump' in document
  ) {
    return signatureInputFromProcessedCrash(document);
  }
  return parseSignatureInput(document);
}

/**
 * Runs the CLI.
 *
 * @param argv - arguments after the program name
 * @param io - standard streams
 * @returns the exit code: 0, or 1 for bad arguments, lists or input
 */
export async function runSignify(
  argv: readonly string[],
  io: SignifyIo,
): Promise<number> {
  try {
    const values = parseCommandLine(argv);
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    const lists = loadSignatureLists(listOptions(values));
    const input = readCrashData(await io.readInput());
    const details = generateSignatureDetails(input, { lists });
    if (values.verbose) {
      io.err(`${details.debug_log.join('\n')}\n`);
    }
    const { signature, proto_signature, notes } = details;
    io.out(
      `${JSON.stringify({ signature, proto_signature, notes }, null, 2)}\n`,
    );
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    io.err(`crashstats-signify: ${reason}\n`);
    return 1;
  }
}

/** Reads all of standard input. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Entry point used by `bin/crashstats-signify.js`.
 *
 * @param argv - arguments after the program name
 * @returns the exit code
 */
export function main(argv: readonly string[]): Promise<number> {
  return runSignify(argv, {
    readInput: readStdin,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

const invokedPath = process.argv[1];
if (invokedPath && import.meta.url === pathToFileURL(invokedPath).href) {
  process.exitCode = await main(process.argv.slice(2));
}
