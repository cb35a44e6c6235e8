/**
 * The web app's Koa application: Dockerflow endpoints and /metrics, then
 * under /api/ the access layer (token, rate limit) and the endpoints. A
 * factory over its dependencies with no side effects, so tests drive it
 * over real servers.
 */
import { bodyParser } from '@koa/bodyparser';
import Koa, { type Middleware } from 'koa';
import {
  dockerflow,
  type HealthCheck,
  type Logger,
  type Registry,
  type VersionInfo,
} from '@crashstats/common';
import type { ApiEndpoint } from './api/endpoint.js';
import { ApiError } from './api/errors.js';
import { apiEndpointName, apiRouter, principalOf } from './api/router.js';
import type { WebappMetrics } from './metrics.js';

/** Largest JSON or form body the API reads. */
const MAX_BODY = '2mb';

/** Dependencies of the web app. */
export interface WebappAppDeps {
  log: Logger;
  registry: Registry;
  metrics: WebappMetrics;
  version: VersionInfo;
  checks: HealthCheck[];
  isShuttingDown: () => boolean;
  /** Authenticates the request and applies rate limits (API paths only). */
  access: Middleware;
  /** Trust X-Forwarded-For for the client address. */
  trustProxy: boolean;
  endpoints: readonly ApiEndpoint[];
  /** Serves paths outside /api/ and the Dockerflow ones (the OpenAPI document, the UI). */
  extra?: Middleware[];
}

/** Turns errors into Socorro's JSON answers; anything unexpected is a 500. */
function errorAnswers(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.set(err.headers);
        ctx.type = 'application/json';
        ctx.body = JSON.stringify(err.body);
        return;
      }
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        // Koa and the body parser signal bad requests this way (bad JSON, too large).
        ctx.status = status;
        ctx.type = 'application/json';
        ctx.body = JSON.stringify({
          error: `Bad request: ${(err as Error).message}`,
        });
        return;
      }
      log.error({ err, path: ctx.path }, 'request failed');
      if (isStorageUnavailable(err)) {
        ctx.status = 503;
        ctx.set('Retry-After', '30');
        ctx.type = 'application/json';
        ctx.body = JSON.stringify({
          error: 'The crash store is unavailable or too slow; try again later',
        });
        return;
      }
      ctx.status = 500;
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ error: 'Internal server error' });
    }
  };
}

/** True for MongoDB failures of reaching the server, not of the request. */
function isStorageUnavailable(err: unknown): boolean {
  const name = err instanceof Error ? err.name : '';
  return (
    name === 'MongoNetworkError' ||
    name === 'MongoNetworkTimeoutError' ||
    name === 'MongoServerSelectionError' ||
    name === 'MongoNotConnectedError'
  );
}

/** One structured line per request, and the request metrics. */
function accessLog(log: Logger, metrics: WebappMetrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const endpoint = apiEndpointName(ctx.path) ?? 'other';
      const principal = principalOf(ctx);
      metrics.requestSeconds.observe(
        { endpoint, method: ctx.method, status: String(ctx.status) },
        seconds,
      );
      // The query string is left out: filters may hold personal data.
      log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(seconds * 1000),
          user: principal.kind === 'token' ? principal.user : null,
          userAgent: ctx.get('User-Agent') || null,
        },
        'request',
      );
    }
  };
}

/** Creates the web app. */
export function createWebappApp(deps: WebappAppDeps): Koa {
  const app = new Koa();
  app.proxy = deps.trustProxy;
  app.silent = true;
  app.use(
    dockerflow({
      version: deps.version,
      checks: deps.checks,
      registry: deps.registry,
      isShuttingDown: deps.isShuttingDown,
    }),
  );
  app.use(accessLog(deps.log, deps.metrics));
  app.use(errorAnswers(deps.log));
  for (const middleware of deps.extra ?? []) {
    app.use(middleware);
  }
  const api = apiRouter(deps.endpoints);
  const parseBody = bodyParser({
    enableTypes: ['json', 'form'],
    jsonLimit: MAX_BODY,
    formLimit: MAX_BODY,
  });
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/api/')) {
      await next();
      return;
    }
    const notFound = () =>
      Promise.reject(new ApiError(404, { error: 'Not found' }));
    const dispatch = async () => {
      await api(ctx, notFound);
    };
    const parsed = async () => {
      await parseBody(ctx, dispatch);
    };
    await deps.access(ctx, parsed);
  });
  app.on('error', (err: unknown) => {
    deps.log.error({ err }, 'unhandled error in request');
  });
  return app;
}
