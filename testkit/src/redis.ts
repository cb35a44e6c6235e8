import { redisServerBinary } from './binaries.js';
import { LOOPBACK } from './free-port.js';
import { startServerProcess } from './server-process.js';

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /**
   * A folder to keep the data in, with the append-only file turned on; by
   * default a temporary folder and no persistence.
   */
  readonly dataDir?: string;
}

/** A running redis-server on loopback. */
export interface RedisServer extends AsyncDisposable {
  /** Client URL, `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Working folder of the server. */
  readonly dataDir: string;
  /** The last lines the server logged. */
  output(): string;
  /** Stops the server; without a kept folder, its data is lost. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty, without a kept folder). */
  start(): Promise<void>;
  /** Stops the server and removes its folder, unless it was given. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts redis-server bound to 127.0.0.1 on a free port, in the foreground,
 * with RDB snapshots off, and the append-only file off unless the data is
 * kept in a given folder.
 *
 * @param options - A folder to keep the data in.
 * @returns A handle to stop, restart and dispose the server.
 */
export async function startRedis(
  options: RedisOptions = {},
): Promise<RedisServer> {
  const persist = options.dataDir !== undefined;
  const server = await startServerProcess({
    name: 'redis-server',
    command: await redisServerBinary(),
    dataDir: options.dataDir,
    args: ({ port, dataDir }) => [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--dir',
      dataDir,
      '--save',
      '',
      '--appendonly',
      persist ? 'yes' : 'no',
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
    ],
  });
  return {
    url: `redis://${LOOPBACK}:${server.port}`,
    port: server.port,
    dataDir: server.dataDir,
    output: () => server.output(),
    stop: () => server.stop(),
    start: () => server.start(),
    [Symbol.asyncDispose]: () => server.dispose(),
  };
}
