import { redisServerBinary } from './binaries.js';
import { LOOPBACK } from './free-port.js';
import { startServerProcess } from './server-process.js';

/** A running redis-server on loopback, without persistence. */
export interface RedisServer extends AsyncDisposable {
  /** Client URL, `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Temporary working folder of the server. */
  readonly dataDir: string;
  /** The last lines the server logged. */
  output(): string;
  /** Stops the server; with persistence off, its data is lost. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts redis-server bound to 127.0.0.1 on a free port, in the foreground,
 * with RDB snapshots and the append-only file turned off.
 *
 * @returns A handle to stop, restart and dispose the server.
 */
export async function startRedis(): Promise<RedisServer> {
  const server = await startServerProcess({
    name: 'redis-server',
    command: await redisServerBinary(),
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
      'no',
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
