/**
 * Waiting in tests for something another process does: a crash to be
 * processed, a Deployment to appear, a leader to be elected. One helper,
 * so that every test fails the same way, naming what it waited for.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** How long to wait before failing; 15 s unless given. */
  timeoutMs?: number;
  /** Pause between checks; 100 ms unless given. */
  intervalMs?: number;
  /**
   * More for the failure message, asked for only when the wait fails: the
   * last state seen, or the tail of a process's log.
   */
  detail?: () => string | Promise<string>;
}

/**
 * Calls `check` until it returns something other than `undefined` or
 * `false`, and returns that; throws, naming `what`, once `timeoutMs` has
 * passed without it.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() >= deadline) {
      const detail = options.detail ? `\n${await options.detail()}` : '';
      throw new Error(`${what}: not seen within ${timeoutMs} ms${detail}`);
    }
    await sleep(intervalMs);
  }
}
