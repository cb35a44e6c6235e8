/**
 * The OpenAPI 3.1 document of the API, built from the endpoint list so the
 * two cannot drift apart: every endpoint with its methods, parameters,
 * permission, example answer and Socorro's error answers, plus the
 * Dockerflow endpoints. Served at `/api/openapi.json`.
 */
import type { Middleware } from 'koa';
import { PERMISSION_DESCRIPTIONS } from './auth/permissions.js';
import type { ApiEndpoint, ParameterDoc } from './api/endpoint.js';

/** Where the document is served. */
export const OPENAPI_PATH = '/api/openapi.json';

const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' } },
  required: ['error'],
};
const validationSchema = {
  type: 'object',
  properties: {
    errors: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
  },
  required: ['errors'],
};

function errorResponse(description: string, example: unknown) {
  return {
    description,
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        example,
      },
    },
  };
}

function parameterSchema(p: ParameterDoc): Record<string, unknown> {
  return p.repeated ? { type: 'array', items: p.schema } : { ...p.schema };
}

function queryParameter(p: ParameterDoc): Record<string, unknown> {
  return {
    name: p.name,
    in: 'query',
    description: p.description,
    required: p.required === true,
    schema: parameterSchema(p),
    ...(p.repeated ? { style: 'form', explode: true } : {}),
    ...(p.example === undefined
      ? {}
      : { example: p.repeated ? [p.example] : p.example }),
  };
}

function formBody(
  parameters: readonly ParameterDoc[],
): Record<string, unknown> {
  return {
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          properties: Object.fromEntries(
            parameters.map((p) => [
              p.name,
              { ...parameterSchema(p), description: p.description },
            ]),
          ),
          required: parameters.filter((p) => p.required).map((p) => p.name),
        },
      },
    },
  };
}

function operation(
  endpoint: ApiEndpoint,
  method: 'GET' | 'POST',
): Record<string, unknown> {
  const needs = endpoint.permission;
  const access = endpoint.adminOnly
    ? 'Needs an administrator token.'
    : needs === undefined
      ? 'Open to everyone; protected fields need a token with view_pii.'
      : `Needs a token with the ${needs} permission (${PERMISSION_DESCRIPTIONS[needs]}).`;
  const origin =
    endpoint.origin === 'socorro'
      ? 'Compatible with the Socorro endpoint of the same name.'
      : 'A CrashStats addition, not part of Socorro’s API.';
  const responses: Record<string, unknown> = {
    '200': {
      description: 'Success',
      content: {
        [endpoint.responseContentType ?? 'application/json']:
          endpoint.responseContentType === undefined
            ? { example: endpoint.responseExample }
            : { schema: { type: 'string', format: 'binary' } },
      },
    },
    '400': {
      description: 'Invalid parameters or a bad argument',
      content: {
        'application/json': {
          schema: {
            oneOf: [
              { $ref: '#/components/schemas/ValidationErrors' },
              { $ref: '#/components/schemas/Error' },
            ],
          },
        },
      },
    },
    '403': errorResponse('A bad token, or a permission is missing', {
      error: 'API Token not matched',
    }),
    '429': {
      ...errorResponse('Too many requests from this token or address', {
        error: 'Too many requests; try again later',
      }),
      headers: {
        'Retry-After': {
          description: 'Seconds to wait',
          schema: { type: 'integer' },
        },
      },
    },
  };
  if (endpoint.parameters.some((p) => p.name === 'crash_id')) {
    responses['404'] = errorResponse('No such crash', {
      error: 'Not found: crash 6a1f0a7e-0c3b-4bd2-9d8e-0f5e20261203',
    });
  }
  const op: Record<string, unknown> = {
    operationId: `${endpoint.name}${method === 'GET' ? 'Get' : 'Post'}`,
    summary: endpoint.summary,
    description: `${endpoint.description}\n\n${access} ${origin}`,
    tags: [endpoint.origin === 'socorro' ? 'Socorro-compatible' : 'CrashStats'],
    security:
      needs === undefined && !endpoint.adminOnly
        ? [{}, { AuthToken: [] }]
        : [{ AuthToken: [] }],
    responses,
  };
  if (method === 'GET' || endpoint.requestBody === undefined) {
    if (method === 'GET') {
      op.parameters = endpoint.parameters.map(queryParameter);
    } else if (endpoint.parameters.length > 0) {
      op.requestBody = formBody(endpoint.parameters);
    }
  } else {
    op.requestBody = {
      required: true,
      content: {
        'application/json': {
          schema: endpoint.requestBody.schema,
          example: endpoint.requestBody.example,
        },
      },
    };
  }
  return op;
}

const dockerflowPaths = {
  '/__lbheartbeat__': {
    get: {
      operationId: 'lbHeartbeat',
      summary: 'The process is up',
      tags: ['Dockerflow'],
      responses: { '200': { description: 'Up' } },
    },
  },
  '/__heartbeat__': {
    get: {
      operationId: 'heartbeat',
      summary: 'Every dependency answers',
      tags: ['Dockerflow'],
      responses: {
        '200': { description: 'Healthy' },
        '503': { description: 'A dependency is down' },
      },
    },
  },
  '/__version__': {
    get: {
      operationId: 'version',
      summary: 'The deployed build',
      tags: ['Dockerflow'],
      responses: { '200': { description: 'version.json' } },
    },
  },
  '/metrics': {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tags: ['Dockerflow'],
      responses: {
        '200': {
          description: 'Prometheus text format',
          content: { 'text/plain': {} },
        },
      },
    },
  },
};

/** The OpenAPI document of these endpoints. */
export function openApiDocument(
  endpoints: readonly ApiEndpoint[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const endpoint of endpoints) {
    paths[`/api/${endpoint.name}/`] = Object.fromEntries(
      endpoint.methods.map((m) => [m.toLowerCase(), operation(endpoint, m)]),
    );
  }
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'openApi',
      summary: 'This document',
      tags: ['CrashStats'],
      responses: {
        '200': {
          description: 'OpenAPI 3.1',
          content: { 'application/json': {} },
        },
      },
    },
  };
  Object.assign(paths, dockerflowPaths);
  return {
    openapi: '3.1.0',
    info: {
      title: 'CrashStats API',
      version,
      description:
        'Crash data of a CrashStats deployment. Endpoints tagged Socorro-compatible take the parameters and ' +
        'answer in the shapes of Mozilla Socorro’s API, so tools written for crash-stats.mozilla.org work ' +
        'unchanged. Send an API token in the Auth-Token header; protected fields and dumps need permissions.',
    },
    tags: [
      {
        name: 'Socorro-compatible',
        description: 'Endpoints with Socorro’s names, parameters and shapes',
      },
      { name: 'CrashStats', description: 'CrashStats’ own additions' },
      { name: 'Dockerflow', description: 'Health, version and metrics' },
    ],
    paths,
    components: {
      securitySchemes: {
        AuthToken: {
          type: 'apiKey',
          in: 'header',
          name: 'Auth-Token',
          description: 'An API token (32 hex characters)',
        },
      },
      schemas: { Error: errorSchema, ValidationErrors: validationSchema },
    },
  };
}

/** Serves the document at {@link OPENAPI_PATH}. */
export function serveOpenApi(document: Record<string, unknown>): Middleware {
  const body = JSON.stringify(document);
  return async (ctx, next) => {
    if (ctx.path !== OPENAPI_PATH) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/json';
    ctx.body = body;
  };
}
