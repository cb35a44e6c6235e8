/**
 * What an API endpoint is: its Socorro name, methods, the permission it
 * needs, documentation for the OpenAPI document, and its handler.
 */
import type { Readable } from 'node:stream';
import type { Permission, Principal } from '../auth/permissions.js';
import type { Params } from './params.js';

/** One documented parameter. */
export interface ParameterDoc {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** JSON Schema of one value. */
  readonly schema: Readonly<Record<string, unknown>>;
  /** True when the parameter repeats (`?a=1&a=2`). */
  readonly repeated?: boolean;
  readonly example?: unknown;
}

/** What a handler gets. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly params: Params;
  /** The parsed JSON body, for endpoints that take one. */
  readonly body: unknown;
  readonly principal: Principal;
  /**
   * The request body as it arrives, for endpoints that take files: unread
   * unless it was JSON or a URL-encoded form.
   */
  readonly raw: { readonly contentType: string; readonly stream: Readable };
  /**
   * The request's absolute URL, as the client sent it (behind a trusted
   * proxy, its public one).
   */
  readonly url: string;
}

/** A JSON answer, or a file to download. */
export type ApiResult =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number }
  | {
      readonly kind: 'file';
      readonly data: Buffer;
      readonly filename: string;
      readonly contentType: string;
    };

/** One endpoint under `/api/<name>/`. */
export interface ApiEndpoint {
  /** Socorro's endpoint name, e.g. `ProcessedCrash`. */
  readonly name: string;
  readonly methods: readonly ('GET' | 'POST')[];
  /** Needed to call the endpoint at all. */
  readonly permission?: Permission;
  /** Only administrators may call it. */
  readonly adminOnly?: boolean;
  /** `Cache-Control: private, max-age=<n>`; 0 for crash data. */
  readonly maxAgeSeconds: number;
  readonly summary: string;
  readonly description: string;
  /** Socorro's endpoint, or one of CrashStats' own additions. */
  readonly origin: 'socorro' | 'crashstats';
  readonly parameters: readonly ParameterDoc[];
  /** JSON Schema of a JSON request body, when the endpoint takes one. */
  readonly requestBody?: {
    readonly schema: Readonly<Record<string, unknown>>;
    readonly example: unknown;
  };
  /** Content types of the request body when not JSON (file uploads). */
  readonly requestContentTypes?: readonly string[];
  /** An example answer, for the OpenAPI document. */
  readonly responseExample: unknown;
  /** Content type of a successful answer (default application/json). */
  readonly responseContentType?: string;
  handle(request: ApiRequest): Promise<ApiResult>;
}

/** A JSON result. */
export function json(body: unknown, status?: number): ApiResult {
  return status === undefined
    ? { kind: 'json', body }
    : { kind: 'json', body, status };
}
