/**
 * The worker-thread side of {@link WorkerPool}: answers each job message
 * with the handler's result or its error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SerializedError } from './worker-pool.js';

/** The `workerData` the pool was given, as seen inside the worker. */
export function poolWorkerData(): unknown {
  return (workerData as { data?: unknown } | null)?.data;
}

/** Serves jobs in a worker thread with `handle`. */
export function serveJobs<Req, Res>(
  handle: (message: Req) => Res | Promise<Res>,
): void {
  const port = parentPort;
  if (!port) {
    throw new Error('serveJobs must run in a worker thread');
  }
  port.on('message', (job: { id: number; message: Req }) => {
    void (async () => {
      try {
        const result = await handle(job.message);
        port.postMessage({ id: job.id, result });
      } catch (err) {
        const error: SerializedError =
          err instanceof Error
            ? { name: err.name, message: err.message }
            : { name: 'Error', message: String(err) };
        port.postMessage({ id: job.id, error });
      }
    })();
  });
}
