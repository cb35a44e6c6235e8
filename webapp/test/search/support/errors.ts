/** Helpers to check the ApiErrors thrown by the search's parsers. */
import assert from 'node:assert/strict';
import { ApiError } from '../../../src/api/errors.js';

/** Runs `run`, expecting an ApiError; returns its status and body. */
export function apiErrorOf(run: () => unknown): {
  status: number;
  body: Record<string, unknown>;
} {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, `not an ApiError: ${String(error)}`);
    return { status: error.status, body: error.body };
  }
  assert.fail('expected an ApiError');
}

/** Expects a 400 `{"errors": {param: [message]}}`. */
export function assertInvalid(
  run: () => unknown,
  param: string,
  message: string,
): void {
  assert.deepEqual(apiErrorOf(run), {
    status: 400,
    body: { errors: { [param]: [message] } },
  });
}

/** Expects a 400 `{"error": "Bad request: <message>"}`. */
export function assertBadRequest(run: () => unknown, message: string): void {
  assert.deepEqual(apiErrorOf(run), {
    status: 400,
    body: { error: `Bad request: ${message}` },
  });
}
