/**
 * A pool of worker threads for CPU-heavy jobs (stack walking). Each job has
 * a time limit and each worker a heap limit: a pathological dump that spins
 * or balloons costs one worker, which is terminated and replaced, and never
 * stalls the processor's event loop or exhausts its memory.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A job that ran out of time. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

/** A job whose worker ran out of its heap limit. */
export class JobMemoryError extends Error {
  override name = 'JobMemoryError';
}

/** Settings of a {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Module run by each worker, given without extension; see {@link siblingModule}. */
  script: URL;
  size: number;
  timeoutMs: number;
  /** Heap limit of each worker (V8 old generation), in MiB. */
  maxHeapMb: number;
  /** Passed to each worker as `workerData`. */
  workerData?: unknown;
}

interface Job {
  id: number;
  message: unknown;
  transfer: ArrayBuffer[];
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * The module next to `base` named `name`, with the extension `base` has:
 * `.ts` when running from source, `.js` when running the build.
 */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(base))}`, base);
}

/** The bootstrap that loads TypeScript in a worker thread. */
const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/**
 * Starts a worker on `script`. From TypeScript source, a bootstrap loads
 * tsx in the thread first: Node 20 does not carry the parent's loader hooks
 * into worker threads.
 */
function startWorker(script: URL, data: unknown, maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (!script.pathname.endsWith('.ts')) {
    return new Worker(script, { workerData: { data }, resourceLimits });
  }
  return new Worker(BOOTSTRAP, {
    workerData: { workerScript: script.href, data },
    execArgv: ['--conditions=source'],
    resourceLimits,
  });
}

/** Runs jobs on worker threads, one job per worker at a time. */
export class WorkerPool<Req, Res> {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.size; i++) {
      this.slots.push(this.spawn());
    }
  }

  /** Runs one job; `transfer` lists buffers moved to the worker, not copied. */
  run(message: Req, transfer: ArrayBuffer[] = []): Promise<Res> {
    if (this.closed) {
      return Promise.reject(new Error('worker pool is closed'));
    }
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({
        id: this.nextId++,
        message,
        transfer,
        resolve: resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Terminates every worker; queued jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) {
      job.reject(new Error('worker pool closed'));
    }
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = startWorker(
      this.options.script,
      this.options.workerData,
      this.options.maxHeapMb,
    );
    const slot: Slot = { worker, job: undefined, timer: undefined };
    worker.on(
      'message',
      (reply: { id: number; result?: unknown; error?: SerializedError }) => {
        const job = slot.job;
        if (!job || job.id !== reply.id) {
          return;
        }
        this.finish(slot);
        if (reply.error) {
          job.reject(deserializeError(reply.error));
        } else {
          job.resolve(reply.result);
        }
        this.dispatch();
      },
    );
    worker.on('error', (err: Error & { code?: string }) => {
      const memory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.replace(
        slot,
        memory
          ? new JobMemoryError('worker ran out of memory', { cause: err })
          : err,
      );
    });
    worker.on('exit', () => {
      if (!this.closed && this.slots.includes(slot)) {
        this.replace(slot, new Error('worker exited'));
      }
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job || this.queue.length === 0) {
        continue;
      }
      const job = this.queue.shift()!;
      slot.job = job;
      slot.timer = setTimeout(() => {
        this.replace(
          slot,
          new JobTimeoutError(`job exceeded ${this.options.timeoutMs} ms`),
        );
      }, this.options.timeoutMs);
      slot.worker.postMessage(
        { id: job.id, message: job.message },
        job.transfer,
      );
    }
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
  }

  /** Fails the slot's job, kills its worker and starts a fresh one. */
  private replace(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) {
      return;
    }
    const job = slot.job;
    this.finish(slot);
    this.slots.splice(index, 1);
    void slot.worker.terminate();
    job?.reject(err);
    if (!this.closed) {
      this.slots.push(this.spawn());
      this.dispatch();
    }
  }
}

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
}

function deserializeError(e: SerializedError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
