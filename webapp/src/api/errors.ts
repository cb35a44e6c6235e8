/**
 * Errors an API endpoint answers with, in Socorro's shapes:
 *   400 `{"error": "Bad request: …"}` or `{"errors": {field: [messages]}}`,
 *   403 `{"error": "…"}`, 404 `{"error": "Not found: …"}`,
 *   405, 429 with Retry-After.
 */

/** An error with its HTTP status and JSON body. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

/** 400 for a bad argument: `{"error": "Bad request: <message>"}`. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, { error: `Bad request: ${message}` });
}

/** 400 for parameters that fail validation: `{"errors": {field: [...]}}`. */
export function invalidParameters(
  errors: Readonly<Record<string, readonly string[]>>,
): ApiError {
  return new ApiError(400, { errors });
}

/** 403 naming the permission an endpoint or a field needs. */
export function permissionRequired(permission: string): ApiError {
  return new ApiError(403, {
    error: `Use of this endpoint requires the '${permission}' permission`,
  });
}

/** 403 with Socorro's token messages and others of the same kind. */
export function forbidden(message: string): ApiError {
  return new ApiError(403, { error: message });
}

/** 404: `{"error": "Not found: <what>"}`. */
export function notFound(what: string): ApiError {
  return new ApiError(404, { error: `Not found: ${what}` });
}

/** 429 with the seconds to wait. */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(
    429,
    { error: 'Too many requests; try again later' },
    { 'Retry-After': String(seconds) },
  );
}
