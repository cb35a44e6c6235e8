import { createServer } from 'node:net';

/** The loopback address every testkit server binds to. */
export const LOOPBACK = '127.0.0.1';

/**
 * Finds a TCP port on 127.0.0.1 that is free right now: it listens on port 0,
 * reads the port the kernel picked, and closes the listener again.
 *
 * Another process may take the port before the caller binds it; callers that
 * start a server on it should be ready to retry with a fresh port.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port: 0, exclusive: true }, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('freePort: the listener has no TCP address');
  }
  return address.port;
}
