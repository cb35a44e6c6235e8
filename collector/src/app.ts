/**
 * The collector's Koa application. A factory over its dependencies with no
 * side effects, so tests drive it with real servers and no port, and
 * main.ts wires the production ones.
 */
import Koa from 'koa';
import {
  dockerflow,
  type HealthCheck,
  type Registry,
  type VersionInfo,
} from '@crashstats/common';
import { handleSubmit, type SubmitDeps } from './submit.js';

/** Dependencies of the collector app. */
export interface CollectorAppDeps extends SubmitDeps {
  registry: Registry;
  version: VersionInfo;
  checks: HealthCheck[];
  isShuttingDown: () => boolean;
}

/** Creates the collector app: POST /submit plus the Dockerflow endpoints. */
export function createCollectorApp(deps: CollectorAppDeps): Koa {
  const app = new Koa();
  app.silent = true;

  app.use(
    dockerflow({
      version: deps.version,
      checks: deps.checks,
      registry: deps.registry,
      isShuttingDown: deps.isShuttingDown,
    }),
  );
  app.use(async (ctx, next) => {
    if (ctx.path !== '/submit') {
      await next();
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'POST');
      ctx.type = 'text/plain';
      ctx.body = 'Method Not Allowed';
      return;
    }
    await handleSubmit(ctx, deps);
  });
  app.on('error', (err: unknown) => {
    deps.log.error({ err }, 'unhandled error in request');
  });
  return app;
}
