/**
 * Error types shared by every component. Each carries a stable snake_case
 * `code` and a literal `name`, so the check survives serialization and
 * bundling where `instanceof` would not.
 */

/** Base class for every error the platform raises on purpose. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A crash report that cannot be accepted as sent. The code is the reason
 * slug clients see as `Discarded=malformed_<code>`.
 */
export class MalformedCrashReportError extends AppError {
  override name = 'MalformedCrashReportError';

  constructor(code: string, message?: string, options?: ErrorOptions) {
    super(code, message ?? `malformed crash report: ${code}`, options);
  }
}

/** A request body larger than the configured limit. */
export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';

  constructor(readonly limitBytes: number) {
    super('payload_too_large', `payload exceeds ${limitBytes} bytes`);
  }
}

/** A dependency (database, message bus) could not be reached. */
export class UpstreamUnavailableError extends AppError {
  override name = 'UpstreamUnavailableError';

  constructor(upstream: string, options?: ErrorOptions) {
    super('upstream_unavailable', `${upstream} is unavailable`, options);
  }
}

/** Configuration that failed validation; `problems` lists each bad key. */
export class ConfigError extends AppError {
  override name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(
      'invalid_config',
      `invalid configuration:\n  ${problems.join('\n  ')}`,
    );
  }
}

/** True when `err` is a {@link MalformedCrashReportError}. */
export function isMalformedCrashReportError(
  err: unknown,
): err is MalformedCrashReportError {
  return (
    err instanceof MalformedCrashReportError ||
    (err instanceof Error && err.name === 'MalformedCrashReportError')
  );
}

/** True when `err` is a {@link PayloadTooLargeError}. */
export function isPayloadTooLargeError(
  err: unknown,
): err is PayloadTooLargeError {
  return (
    err instanceof PayloadTooLargeError ||
    (err instanceof Error && err.name === 'PayloadTooLargeError')
  );
}

/** True when `err` is an {@link UpstreamUnavailableError}. */
export function isUpstreamUnavailableError(
  err: unknown,
): err is UpstreamUnavailableError {
  return (
    err instanceof UpstreamUnavailableError ||
    (err instanceof Error && err.name === 'UpstreamUnavailableError')
  );
}
