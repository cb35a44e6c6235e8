/**
 * The plumbing every long-running component shares: a NATS connection
 * that logs its outages, an HTTP server listening on its configured
 * address, ordered shutdown steps, and process-level handlers for
 * signals and crashes.
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { Logger } from './log.js';

/** Splits a comma-separated setting into its non-empty items. */
export function splitSetting(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * Connects to NATS (comma-separated server URLs), reconnecting forever,
 * and logs each disconnect and reconnect as a warning.
 */
export async function connectNatsLogged(
  servers: string,
  name: string,
  log: Logger,
): Promise<NatsConnection> {
  const nc = await connect({
    servers: splitSetting(servers),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnect') {
        log.warn({ status: status.type }, 'NATS connection status changed');
      }
    }
  })();
  return nc;
}

/** An HTTP server started by {@link listenHttp}. */
export interface ListeningServer {
  server: Server;
  /** Base URL, with 127.0.0.1 for servers listening on every address. */
  url: string;
}

/** Serves `handle` on `host:port` (0 picks a free port). */
export async function listenHttp(
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
  host: string,
  port: number,
): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return { server, url: `http://${shown}:${address.port}` };
}

/** Resolves once every in-flight request has been answered. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** Runs shutdown steps in order; a failing step is logged and the rest run. */
export async function runShutdownSteps(
  log: Logger,
  steps: readonly (readonly [string, () => Promise<void>])[],
): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      log.error({ err, step: name }, 'shutdown step failed');
    }
  }
}

/**
 * Exits the process on an unhandled rejection or uncaught exception, after
 * logging it: a component in an unknown state is restarted, not kept.
 */
export function exitOnCrash(log: Logger): void {
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
}

/**
 * On SIGTERM or SIGINT runs `close` and exits 0; exits 1 when it takes
 * longer than `timeoutMs` or a second signal comes.
 */
export function closeOnSignals(
  log: Logger,
  timeoutMs: number,
  close: () => Promise<void>,
): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.fatal({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    setTimeout(() => {
      log.fatal('shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs).unref();
    void close().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
