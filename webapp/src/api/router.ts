/**
 * Dispatches `/api/<Name>/` to its endpoint the way Socorro does: unknown
 * names answer 404 `{"error": "No service called '<Name>'"}`, a method the
 * endpoint does not take answers 405, a missing permission 403 with
 * Socorro's message.
 */
import type { Context, Middleware } from 'koa';
import { ANONYMOUS, type Principal } from '../auth/permissions.js';
import type { ApiEndpoint, ApiResult } from './endpoint.js';
import { ApiError, forbidden, permissionRequired } from './errors.js';
import { collectParams } from './params.js';

const API_PATH = /^\/api\/([A-Za-z][A-Za-z0-9_]*)\/?$/;

/** The endpoint name of an API path, or undefined for other paths. */
export function apiEndpointName(path: string): string | undefined {
  return API_PATH.exec(path)?.[1];
}

/** The principal the access-control middleware left on the context. */
export function principalOf(ctx: Context): Principal {
  const principal = (ctx.state as { principal?: Principal }).principal;
  return principal ?? ANONYMOUS;
}

/** Serves every endpoint of `endpoints` under `/api/`. */
export function apiRouter(endpoints: readonly ApiEndpoint[]): Middleware {
  const byName = new Map(endpoints.map((e) => [e.name, e]));
  return async (ctx, next) => {
    const name = apiEndpointName(ctx.path);
    if (name === undefined) {
      await next();
      return;
    }
    const endpoint = byName.get(name);
    if (endpoint === undefined) {
      throw new ApiError(404, { error: `No service called '${name}'` });
    }
    const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
    if (method !== 'GET' && method !== 'POST') {
      throw methodNotAllowed(endpoint);
    }
    if (!endpoint.methods.includes(method)) {
      throw methodNotAllowed(endpoint);
    }
    const principal = principalOf(ctx);
    if (
      endpoint.adminOnly &&
      !(principal.kind === 'token' && principal.isAdmin)
    ) {
      throw forbidden('Use of this endpoint requires an administrator token');
    }
    if (
      endpoint.permission !== undefined &&
      !(
        principal.kind === 'token' &&
        principal.permissions.has(endpoint.permission)
      )
    ) {
      throw permissionRequired(endpoint.permission);
    }
    const body: unknown = (ctx.request as { body?: unknown }).body;
    const result = await endpoint.handle({
      method,
      params: collectParams(ctx.query, method === 'POST' ? body : undefined),
      body,
      principal,
      raw: { contentType: ctx.get('Content-Type'), stream: ctx.req },
      url: ctx.href,
    });
    ctx.set('Cache-Control', `private, max-age=${endpoint.maxAgeSeconds}`);
    respond(ctx, result);
  };
}

function methodNotAllowed(endpoint: ApiEndpoint): ApiError {
  return new ApiError(
    405,
    { error: `Method not allowed; use ${endpoint.methods.join(' or ')}` },
    { Allow: endpoint.methods.join(', ') },
  );
}

function respond(ctx: Context, result: ApiResult): void {
  if (result.kind === 'file') {
    ctx.attachment(result.filename);
    ctx.type = result.contentType;
    ctx.body = result.data;
    return;
  }
  ctx.status = result.status ?? 200;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(result.body);
}
