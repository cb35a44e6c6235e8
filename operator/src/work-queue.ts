/**
 * The controller's work queue, with client-go's semantics: a key queued
 * several times before a worker takes it is worked on once; a key being
 * worked on is not handed to a second worker, and if it is queued again
 * meanwhile it is worked on again afterwards; a failed key comes back
 * after an exponential delay per key (reset by a success).
 */

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Delay after the first failure of a key. */
  readonly baseDelayMs?: number;
  /** Longest delay between retries of a key. */
  readonly maxDelayMs?: number;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys queued again while being processed. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiting: ((key: string | undefined) => void)[] = [];
  private closed = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
  }

  /** Queues a key (once, however often it is added before it is taken). */
  add(key: string): void {
    if (this.closed) {
      return;
    }
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) {
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter !== undefined) {
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
  }

  /** Queues a key after its next backoff delay; returns the delay. */
  retry(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = Math.min(
      this.maxDelayMs,
      this.baseDelayMs * 2 ** (failures - 1),
    );
    if (!this.timers.has(key) && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(key);
        this.add(key);
      }, delay);
      timer.unref();
      this.timers.set(key, timer);
    }
    return delay;
  }

  /** Forgets a key's failures (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** The next key to work on; undefined once the queue is closed. */
  take(): Promise<string | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.closed) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Marks a key's work finished; queues it again if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) {
      this.add(key);
    }
  }

  /** Keys waiting (not being processed). */
  get length(): number {
    return this.queue.length;
  }

  /** Stops handing out keys; waiting takers get undefined. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
    for (const waiter of this.waiting.splice(0)) {
      waiter(undefined);
    }
  }
}
