/**
 * The controller's work queue, with client-go's semantics: a key queued
 * several times before a worker takes it is worked on once; a key being
 * worked on is not handed to a second worker, and if it is queued again
 * meanwhile it is worked on again afterwards; a failed key comes back
 * after an exponential delay per key (reset by a success), and all
 * retries together are held to a token bucket, so that a failure shared
 * by every resource (the apiserver refusing them all) does not turn into a
 * storm of requests.
 */

import type { WorkQueueObserver } from './metrics.js';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Delay after the first failure of a key. */
  readonly baseDelayMs?: number;
  /** Longest delay between retries of a key. */
  readonly maxDelayMs?: number;
  /** Retries allowed per second across all keys, once the burst is spent. */
  readonly retriesPerSecond?: number;
  /** Retries allowed at once before the per-second rate applies. */
  readonly retryBurst?: number;
  /** Told of every add, take, finish and retry (for metrics). */
  readonly observer?: WorkQueueObserver;
  /** The clock, in milliseconds; Date.now unless given (for tests). */
  readonly now?: () => number;
}

/**
 * A token bucket that hands out reservations: each call takes one token,
 * possibly one that has yet to be earned, and says how long to wait for it.
 */
class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Milliseconds until the token just taken is earned (0: at once). */
  reserve(now: number): number {
    this.tokens = Math.min(
      this.burst,
      this.tokens + (now - this.last) * this.perMs,
    );
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.perMs);
  }
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
  private readonly now: () => number;
  private readonly retryBucket: TokenBucket;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.observer = options.observer;
    this.now = options.now ?? Date.now;
    this.retryBucket = new TokenBucket(
      (options.retriesPerSecond ?? 10) / 1000,
      options.retryBurst ?? 100,
      this.now(),
    );
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
    this.since.set(key, this.now());
    this.queued.add(key);
    this.queue.push(key);
  }

  /**
   * Queues a key after its next backoff delay, or later if the retries of
   * all keys have used up their rate; returns the delay.
   */
  retry(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    this.observer?.retried();
    let delay = Math.min(
      this.maxDelayMs,
      this.baseDelayMs * 2 ** (failures - 1),
    );
    if (!this.timers.has(key) && !this.closed) {
      delay = Math.max(delay, this.retryBucket.reserve(this.now()));
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
      this.startWork(key, this.now() - (this.since.get(key) ?? this.now()));
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
      this.observer?.finished(this.now() - (this.since.get(key) ?? this.now()));
      this.since.delete(key);
    }
    if (this.dirty.delete(key)) {
      this.add(key);
    }
  }

  private startWork(key: string, waitedMs: number): void {
    this.processing.add(key);
    this.since.set(key, this.now());
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
