import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { MongoClient } from 'mongodb';

import { ferretdbBinary } from './binaries.js';
import { LOOPBACK } from './free-port.js';
import { startServerProcess, type ServerContext } from './server-process.js';

/** A MongoDB-wire server: FerretDB started here, or the one in MONGODB_URL. */
export interface MongoServer extends AsyncDisposable {
  /** Connection string for the `mongodb` driver. */
  readonly url: string;
  /**
   * True when the server comes from `MONGODB_URL`: testkit neither started it
   * nor can stop it, so tests that stop the server must skip.
   */
  readonly external: boolean;
  /** Folder of FerretDB's SQLite files; undefined when external. */
  readonly dataDir: string | undefined;
  /** The last lines FerretDB logged; empty when external. */
  output(): string;
  /** Stops FerretDB, keeping its data; rejects when external. */
  stop(): Promise<void>;
  /** Starts FerretDB again on the same port and data; rejects when external. */
  start(): Promise<void>;
  /**
   * Stops FerretDB and removes its data, unless the folder was given; does
   * nothing when external.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

const PING_TIMEOUT_MS = 2000;
const EXTERNAL_PING_TIMEOUT_MS = 10_000;
const DATABASE_PREFIX = /^[A-Za-z0-9_]{1,40}$/;

/**
 * A database name no other test run will pick: `<prefix>_<12 hex digits>`,
 * so tests sharing an external server do not see each other's data.
 *
 * @param prefix - Letters, digits or underscores; `t` by default.
 * @returns A name such as `t_3f9a0c1b2d4e`.
 */
export function mongoDatabaseName(prefix = 't'): string {
  if (!DATABASE_PREFIX.test(prefix)) {
    throw new Error(
      `mongoDatabaseName: prefix ${JSON.stringify(prefix)} must be 1-40 ` +
        'letters, digits or underscores',
    );
  }
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Hides the password of a connection string for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^/@]*)@/, '//***@');
}

/** Runs `ping` on a new connection; rejects if the server does not answer. */
async function ping(url: string, timeoutMs: number): Promise<void> {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

/** Wraps the server named by MONGODB_URL after checking that it answers. */
async function externalMongo(url: string): Promise<MongoServer> {
  try {
    await ping(url, EXTERNAL_PING_TIMEOUT_MS);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `MONGODB_URL=${redact(url)} did not answer ping: ${reason}`,
      { cause: error },
    );
  }
  const refuse = (action: string) => (): Promise<void> =>
    Promise.reject(
      new Error(
        `Cannot ${action} the MongoDB server from MONGODB_URL: testkit did ` +
          'not start it. Check `external` and skip tests that need this.',
      ),
    );
  return {
    url,
    external: true,
    dataDir: undefined,
    output: () => '',
    stop: refuse('stop'),
    start: refuse('start'),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

function ferretdbUrl(port: number): string {
  return `mongodb://${LOOPBACK}:${port}/`;
}

/** FerretDB flags: SQLite backend, loopback only, quiet, no telemetry. */
function ferretdbArgs({ port, dataDir }: ServerContext): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${join(dataDir, 'sqlite')}/`,
    `--state-dir=${join(dataDir, 'state')}`,
    `--listen-addr=${LOOPBACK}:${port}`,
    // Port 0: the OS picks the metrics/pprof port, so it can never clash.
    `--debug-addr=${LOOPBACK}:0`,
    '--telemetry=disable',
    '--log-level=warn',
  ];
}

/**
 * Starts FerretDB with SQLite in a temp folder (or `dataDir`, kept), ready
 * once `ping` works.
 */
async function startFerretdb(dataDir?: string): Promise<MongoServer> {
  const server = await startServerProcess({
    name: 'ferretdb',
    command: await ferretdbBinary(),
    args: ferretdbArgs,
    dataDir,
    prepare: async ({ dataDir }) => {
      await mkdir(join(dataDir, 'sqlite'), { recursive: true });
      await mkdir(join(dataDir, 'state'), { recursive: true });
    },
    isReady: async ({ port }) => {
      await ping(ferretdbUrl(port), PING_TIMEOUT_MS);
      return true;
    },
  });
  return {
    url: ferretdbUrl(server.port),
    external: false,
    dataDir: server.dataDir,
    output: () => server.output(),
    stop: () => server.stop(),
    start: () => server.start(),
    [Symbol.asyncDispose]: () => server.dispose(),
  };
}

/** Options for {@link startMongo}. */
export interface MongoOptions {
  /** A folder to keep FerretDB's data in; a temporary one by default. */
  readonly dataDir?: string;
}

/**
 * Provides a MongoDB-wire server. When `MONGODB_URL` is set, returns a handle
 * to that server (`external: true`) after checking it answers `ping`;
 * otherwise starts FerretDB v1 with its SQLite backend on a free loopback
 * port, ready once `ping` succeeds.
 *
 * @param options - A folder to keep FerretDB's data in.
 * @returns A handle to the server; dispose it when done.
 */
export async function startMongo(
  options: MongoOptions = {},
): Promise<MongoServer> {
  const external = process.env.MONGODB_URL;
  return external ? externalMongo(external) : startFerretdb(options.dataDir);
}
