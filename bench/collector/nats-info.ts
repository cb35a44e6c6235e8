/**
 * Reads the INFO line a NATS server sends to every new connection, to name
 * the server version in the report without a client library.
 */
import { connect } from 'node:net';

/** The server's version from its INFO greeting, e.g. `2.15.3`. */
export function natsServerVersion(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no INFO from the NATS server within 5 s'));
    }, 5000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n');
      if (end < 0) {
        return;
      }
      clearTimeout(timer);
      socket.destroy();
      try {
        const info = JSON.parse(text.slice(5, end)) as { version?: string };
        resolve(info.version ?? 'unknown');
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
