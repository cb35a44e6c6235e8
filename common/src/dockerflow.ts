/**
 * Dockerflow endpoints, served by every HTTP component:
 * - `/__lbheartbeat__`: 200 with an empty body while the process runs;
 * - `/__heartbeat__`: checks each dependency, 200 or 503 with the errors;
 * - `/__version__`: the deployed build's version.json;
 * - `/metrics`: Prometheus text format.
 */
import { readFile } from 'node:fs/promises';
import type { Middleware } from 'koa';
import type { Registry } from 'prom-client';

/** One dependency check; it throws when the dependency is unhealthy. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** The contents of version.json. */
export interface VersionInfo {
  commit: string;
  version: string;
  source: string;
  build: string;
}

/** What the Dockerflow middleware needs. */
export interface DockerflowOptions {
  version: VersionInfo;
  checks: HealthCheck[];
  registry: Registry;
  /** When it returns true, the heartbeat fails so traffic drains away. */
  isShuttingDown?: () => boolean;
  /** How long one check may take before it counts as failed. */
  checkTimeoutMs?: number;
}

/** A failed health check as reported by `/__heartbeat__`. */
export interface HealthError {
  name: string;
  msg: string;
}

/**
 * Reads version.json, falling back to the package version when the file is
 * absent (local runs).
 */
export async function loadVersionInfo(
  path: string,
  fallbackVersion: string,
): Promise<VersionInfo> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<
      string,
      unknown
    >;
    const text = (key: keyof VersionInfo, fallback: string) => {
      const value = parsed[key];
      return typeof value === 'string' || typeof value === 'number'
        ? String(value)
        : fallback;
    };
    return {
      commit: text('commit', 'unknown'),
      version: text('version', fallbackVersion),
      source: text('source', 'unknown'),
      build: text('build', 'unknown'),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
    return {
      commit: 'unknown',
      version: fallbackVersion,
      source: 'local',
      build: 'unknown',
    };
  }
}

/** Runs every check in parallel and returns the failures. */
export async function runHealthChecks(
  checks: HealthCheck[],
  timeoutMs: number,
): Promise<HealthError[]> {
  const results = await Promise.allSettled(
    checks.map((c) => withTimeout(c.check(), timeoutMs, c.name)),
  );
  const errors: HealthError[] = [];
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      const reason: unknown = result.reason;
      errors.push({
        name: checks[i]?.name ?? 'unknown',
        msg: reason instanceof Error ? reason.message : String(reason),
      });
    }
  });
  return errors;
}

/** Koa middleware answering the Dockerflow paths and `/metrics`. */
export function dockerflow(options: DockerflowOptions): Middleware {
  const timeoutMs = options.checkTimeoutMs ?? 3_000;
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      await next();
      return;
    }
    switch (ctx.path) {
      case '/__lbheartbeat__':
        ctx.status = 200;
        ctx.body = '';
        return;
      case '/__version__':
        ctx.body = options.version;
        return;
      case '/__heartbeat__': {
        const errors = await runHealthChecks(options.checks, timeoutMs);
        if (options.isShuttingDown?.()) {
          errors.push({ name: 'shutdown', msg: 'shutting down' });
        }
        ctx.status = errors.length === 0 ? 200 : 503;
        ctx.body = { errors };
        return;
      }
      case '/metrics':
        ctx.type = options.registry.contentType;
        ctx.body = await options.registry.metrics();
        return;
      default:
        await next();
    }
  };
}

async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  name: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} check timed out after ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
