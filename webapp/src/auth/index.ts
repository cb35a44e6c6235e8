/**
 * The web app's access layer: permissions, users and API tokens, request
 * rate limits, and the Koa middleware that applies them.
 */
export {
  ANONYMOUS,
  hasPermission,
  isPermission,
  PERMISSION_DESCRIPTIONS,
  PERMISSIONS,
  qualifiedPermission,
} from './permissions.js';
export type { Permission, Principal } from './permissions.js';
export {
  AccessStore,
  CONFIGURED_ADMIN_TOKEN_ID,
  MAX_TOKEN_DAYS,
  TokenFailures,
} from './tokens.js';
export type {
  AccessStoreOptions,
  CreatedToken,
  NewToken,
  TokenAuthenticator,
  TokenInfo,
  User,
  UserChanges,
} from './tokens.js';
export { createRateLimitRedis, RedisRateLimiter } from './rate-limit.js';
export type {
  RateLimiter,
  RateLimitResult,
  RedisRateLimiterOptions,
} from './rate-limit.js';
export { accessControl, AUTH_TOKEN_HEADER } from './middleware.js';
export type { AccessControlDeps, AccessState } from './middleware.js';
