/**
 * Request rate limits shared by every replica of the web app through Redis.
 *
 * The window is fixed: a counter per caller and per window (a minute), keyed
 * `crashstats:ratelimit:<caller>:<window number>`, incremented and given an
 * expiry in one Lua script, so replicas never race between the two steps.
 * A fixed window costs one small key per active caller and one round trip
 * per request. Its known trade-off: a caller can spend one window's allowance
 * just before a boundary and the next just after, so a short burst may reach
 * twice the limit; over any longer span the limit holds.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '@crashstats/common';

/** The outcome of counting one request. */
export interface RateLimitResult {
  /** False when the caller is over the limit of the current window. */
  readonly allowed: boolean;
  /** Requests left in this window; `Infinity` when there is no limit. */
  readonly remaining: number;
  /** When refused, seconds until the window ends (at least 1); else 0. */
  readonly retryAfterSeconds: number;
}

/** Counts requests per caller against a limit. */
export interface RateLimiter {
  /**
   * Counts one request of `key` and says whether it is allowed.
   *
   * @param key - the caller, e.g. `token:<id>` or `address:<ip>`
   * @param limitPerMinute - requests allowed per window; 0 means no limit
   */
  check(key: string, limitPerMinute: number): Promise<RateLimitResult>;
}

/** Options of {@link RedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  readonly redis: Redis;
  /** The clock; the system clock by default. */
  readonly now?: () => Date;
  /** Length of a window; one minute unless a test shortens it. */
  readonly windowMs?: number;
  /** A check that takes longer than this rejects (500 ms by default). */
  readonly timeoutMs?: number;
  /** Key prefix; `crashstats:ratelimit` by default. */
  readonly prefix?: string;
}

/** Increments the counter and gives it an expiry if it has none yet. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
`;
const HIT_SCRIPT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

const UNLIMITED: RateLimitResult = {
  allowed: true,
  remaining: Number.POSITIVE_INFINITY,
  retryAfterSeconds: 0,
};

/** A fixed-window {@link RateLimiter} over Redis; see the module comment. */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly now: () => Date;
  private readonly windowMs: number;
  private readonly timeoutMs: number;
  private readonly prefix: string;

  constructor(options: RedisRateLimiterOptions) {
    this.redis = options.redis;
    this.now = options.now ?? (() => new Date());
    this.windowMs = options.windowMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.prefix = options.prefix ?? 'crashstats:ratelimit';
    if (!Number.isInteger(this.windowMs) || this.windowMs < 1) {
      throw new Error(`windowMs must be a positive integer: ${this.windowMs}`);
    }
  }

  /**
   * Counts one request. Rejects when Redis fails or does not answer within
   * the timeout; the caller decides what that means.
   */
  async check(key: string, limitPerMinute: number): Promise<RateLimitResult> {
    if (limitPerMinute <= 0) {
      return UNLIMITED;
    }
    const nowMs = this.now().getTime();
    const window = Math.floor(nowMs / this.windowMs);
    const msLeft = (window + 1) * this.windowMs - nowMs;
    // A spare window of lifetime covers clocks that differ between replicas.
    const count = await this.hit(
      `${this.prefix}:${key}:${window}`,
      msLeft + this.windowMs,
    );
    if (count <= limitPerMinute) {
      return {
        allowed: true,
        remaining: limitPerMinute - count,
        retryAfterSeconds: 0,
      };
    }
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil(msLeft / 1000)),
    };
  }

  /** Runs the script by hash, loading it the first time Redis lacks it. */
  private async hit(redisKey: string, ttlMs: number): Promise<number> {
    const run = async (): Promise<unknown> => {
      try {
        return await this.redis.evalsha(HIT_SCRIPT_SHA, 1, redisKey, ttlMs);
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('NOSCRIPT')) {
          return this.redis.eval(HIT_SCRIPT, 1, redisKey, ttlMs);
        }
        throw error;
      }
    };
    const count = await withTimeout(run(), this.timeoutMs);
    if (typeof count !== 'number') {
      throw new Error(`Rate-limit script returned ${typeof count}`);
    }
    return count;
  }
}

/** Rejects when `promise` has not settled within `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A Redis client fit for rate limiting: commands fail at once while the
 * server is unreachable instead of queueing, so a request never waits on a
 * counter. It reconnects on its own; an outage is logged once as a warning
 * and its end once at info.
 *
 * @param url - `redis://host:port`, as in `REDIS_URL`
 */
export function createRateLimitRedis(url: string, log?: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) {
      down = true;
      log?.warn({ err }, 'rate-limit redis unavailable');
    }
  });
  redis.on('ready', () => {
    if (down) {
      down = false;
      log?.info('rate-limit redis available again');
    }
  });
  return redis;
}
