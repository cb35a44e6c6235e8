/**
 * Every endpoint of the API, in the order the OpenAPI document lists them.
 */
import type { ApiDeps } from './api/deps.js';
import type { ApiEndpoint } from './api/endpoint.js';
import { bookkeepingEndpoints } from './api/endpoints/bookkeeping.js';
import { crashEndpoints } from './api/endpoints/crashes.js';
import { reprocessingEndpoint } from './api/endpoints/reprocessing.js';
import { searchEndpoints } from './api/endpoints/search.js';
import { signatureEndpoints } from './api/endpoints/signatures.js';
import { symbolEndpoints } from './api/endpoints/symbols.js';
import { tokensEndpoint } from './api/endpoints/tokens.js';
import { topCrashersEndpoints } from './api/endpoints/top-crashers.js';

/** Builds the endpoints over their dependencies. */
export function createEndpoints(deps: ApiDeps): ApiEndpoint[] {
  return [
    ...searchEndpoints(deps),
    ...crashEndpoints(deps),
    ...signatureEndpoints(deps),
    reprocessingEndpoint(deps),
    ...topCrashersEndpoints(deps),
    ...symbolEndpoints(deps),
    ...bookkeepingEndpoints(deps),
    tokensEndpoint(deps.access),
  ];
}
