/**
 * The controller's work queue, with client-go's semantics: a key queued
 * several times before a worker takes it is worked on once; a key being
 * worked on is not handed to a second worker, and if it is queued again
 * meanwhile it is worked on again afterwards; a failed key comes back
 * after an exponential delay per key (reset by a success).
 */

import type { WorkQueueObserver } from './metrics.js';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Delay after the first failure of a key. */
  readonly baseDelayMs?: number;
  /** Longest delay between retries of a key. */
  readonly maxDelayMs?: number;
  /** Told of every add, take, finish and retry (for metrics). */
  readonly observer?: WorkQueueObserver;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys queued again while being processed. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  /** When each queued key was added, and when each taken key was taken. */
  private readonly since = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiting: ((key: string | undefined) => void)[] = [];
  private closed = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly observer: WorkQueueObserver | undefined;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.observer = options.observer;
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
    this.observer?.added(this.queue.length + 1);
    const waiter = this.waiting.shift();
    if (waiter !== undefined) {
      this.startWork(key, 0);
      waiter(key);
      return;
    }
    this.since.set(key, Date.now());
    this.queued.add(key);
    this.queue.push(key);
  }

  /** Queues a key after its next backoff delay; returns the delay. */
  retry(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.observer?.retried();
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
      this.startWork(key, Date.now() - (this.since.get(key) ?? Date.now()));
      return Promise.resolve(key);
    }
    if (this.closed) {
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Marks a key's work finished; queues it again if it was added meanwhile. */
  done(key: string): void {
    if (this.processing.delete(key)) {
      this.observer?.finished(Date.now() - (this.since.get(key) ?? Date.now()));
      this.since.delete(key);
    }
    if (this.dirty.delete(key)) {
      this.add(key);
    }
  }

  private startWork(key: string, waitedMs: number): void {
    this.processing.add(key);
    this.since.set(key, Date.now());
    this.observer?.taken(this.queue.length, waitedMs);
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
