import { join } from 'node:path';

import { natsServerBinary } from './binaries.js';
import { LOOPBACK, freePort } from './free-port.js';
import { startServerProcess } from './server-process.js';

/** Options for {@link startNats}. */
export interface NatsOptions {
  /** Also serve the HTTP monitoring endpoints on another free port. */
  readonly monitoring?: boolean;
  /** A folder to keep the JetStream store in; a temporary one by default. */
  readonly dataDir?: string;
}

/** A running nats-server with JetStream, on loopback. */
export interface NatsServer extends AsyncDisposable {
  /** Client URL, `nats://127.0.0.1:PORT`. */
  readonly url: string;
  /** Client port on 127.0.0.1. */
  readonly port: number;
  /** Monitoring URL, `http://127.0.0.1:PORT`, when asked for. */
  readonly monitorUrl: string | undefined;
  /** The folder holding the JetStream store. */
  readonly dataDir: string;
  /** The last lines the server logged. */
  output(): string;
  /** Stops the server; streams and messages stay on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  start(): Promise<void>;
  /** Stops the server and removes its store, unless it was given. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts nats-server with JetStream, bound to 127.0.0.1 on a free port, with
 * its store in a temp folder or the one given.
 *
 * @param options - Monitoring endpoints, and a folder to keep the store in.
 * @returns A handle to stop, restart and dispose the server.
 */
export async function startNats(
  options: NatsOptions = {},
): Promise<NatsServer> {
  const monitorPort = options.monitoring ? await freePort() : undefined;
  const server = await startServerProcess({
    name: 'nats-server',
    command: await natsServerBinary(),
    dataDir: options.dataDir,
    args: ({ port, dataDir }) => [
      '--jetstream',
      '--store_dir',
      join(dataDir, 'jetstream'),
      '--addr',
      LOOPBACK,
      '--port',
      String(port),
      '--server_name',
      `testkit-${port}`,
      ...(monitorPort === undefined
        ? []
        : ['--http_port', String(monitorPort)]),
    ],
  });
  return {
    url: `nats://${LOOPBACK}:${server.port}`,
    port: server.port,
    monitorUrl:
      monitorPort === undefined
        ? undefined
        : `http://${LOOPBACK}:${monitorPort}`,
    dataDir: server.dataDir,
    output: () => server.output(),
    stop: () => server.stop(),
    start: () => server.start(),
    [Symbol.asyncDispose]: () => server.dispose(),
  };
}
