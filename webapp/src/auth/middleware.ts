/**
 * Koa middleware that decides who is asking and whether they may ask again
 * so soon: it reads the `Auth-Token` header, stores the resulting
 * {@link Principal} in `ctx.state.principal`, and applies the per-minute
 * limit of that principal before calling the next middleware.
 *
 * Errors are thrown as {@link ApiError}s (403 for a bad token, 429 over the
 * limit) for the server's error handler to render.
 */
import type { Middleware } from 'koa';
import type { Logger } from '@crashstats/common';
import { ApiError, tooManyRequests } from '../api/errors.js';
import type { WebappConfig } from '../config.js';
import { ANONYMOUS, type Principal } from './permissions.js';
import type { RateLimiter, RateLimitResult } from './rate-limit.js';
import type { TokenAuthenticator } from './tokens.js';

/** The header that carries an API token, as in Socorro. */
export const AUTH_TOKEN_HEADER = 'Auth-Token';

/** What {@link accessControl} leaves in `ctx.state`. */
export interface AccessState {
  principal: Principal;
}

/** Dependencies of {@link accessControl}. */
export interface AccessControlDeps {
  readonly store: TokenAuthenticator;
  readonly limiter: RateLimiter;
  readonly config: Pick<
    WebappConfig,
    'WEBAPP_RATE_LIMIT_ANONYMOUS' | 'WEBAPP_RATE_LIMIT_AUTHENTICATED'
  >;
  readonly log?: Logger;
}

/** At most one "limiter unavailable" warning per this many milliseconds. */
const WARN_INTERVAL_MS = 60_000;

/**
 * Creates the access-control middleware.
 *
 * Limits are counted per token for token requests and per client address
 * (`ctx.ip`; set `app.proxy` behind a proxy so it is the client's) for the
 * others. A request with a bad token is counted against its address too,
 * so guessing tokens is held to the anonymous rate: over that limit it gets
 * 429 instead of 403.
 */
export function accessControl(
  deps: AccessControlDeps,
): Middleware<AccessState> {
  const { store, config } = deps;
  const limit = failOpen(deps.limiter, deps.log);

  return async (ctx, next) => {
    const header = ctx.headers[AUTH_TOKEN_HEADER.toLowerCase()];
    const address = ctx.ip;
    let principal: Principal = ANONYMOUS;
    if (header !== undefined) {
      try {
        principal = await store.authenticate(
          Array.isArray(header) ? header.join(',') : header,
        );
      } catch (error) {
        if (error instanceof ApiError) {
          const perAddress = config.WEBAPP_RATE_LIMIT_ANONYMOUS;
          const result = await limit(`address:${address}`, perAddress);
          refuseOverLimit(result, perAddress);
        }
        throw error;
      }
    }
    ctx.state.principal = principal;

    const [key, perMinute] =
      principal.kind === 'token'
        ? [`token:${principal.tokenId}`, config.WEBAPP_RATE_LIMIT_AUTHENTICATED]
        : [`address:${address}`, config.WEBAPP_RATE_LIMIT_ANONYMOUS];
    const result = await limit(key, perMinute);
    if (result && perMinute > 0) {
      ctx.set(limitHeaders(perMinute, result));
    }
    refuseOverLimit(result, perMinute);
    await next();
  };
}

/** Throws a 429, with the limit headers, when the request is refused. */
function refuseOverLimit(
  result: RateLimitResult | undefined,
  perMinute: number,
): void {
  if (!result || result.allowed) {
    return;
  }
  const error = tooManyRequests(result.retryAfterSeconds);
  throw new ApiError(error.status, error.body, {
    ...error.headers,
    ...limitHeaders(perMinute, result),
  });
}

function limitHeaders(
  perMinute: number,
  result: RateLimitResult,
): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(perMinute),
    'X-RateLimit-Remaining': String(result.remaining),
  };
}

/**
 * Wraps the limiter so that a failure allows the request (the result is
 * then undefined: no limit applied, no limit headers). The limit guards
 * a read API against overuse; it does not protect data. While Redis is
 * unreachable, refusing every request would turn a counter outage into an
 * outage of the whole API, whereas letting requests through only suspends
 * the limit until Redis is back. Each failure is logged as a warning, at
 * most once a minute, so the suspension is visible without flooding logs.
 */
function failOpen(
  limiter: RateLimiter,
  log: Logger | undefined,
): (key: string, perMinute: number) => Promise<RateLimitResult | undefined> {
  let lastWarning = Number.NEGATIVE_INFINITY;
  return async (key, perMinute) => {
    try {
      return await limiter.check(key, perMinute);
    } catch (err) {
      const now = Date.now();
      if (now - lastWarning >= WARN_INTERVAL_MS) {
        lastWarning = now;
        log?.warn({ err }, 'rate limit not applied: limiter unavailable');
      }
      return undefined;
    }
  };
}
