/**
 * The web app's metrics; the registry labels each with `service="webapp"`.
 */
import { Histogram, type Registry } from '@crashstats/common';

export function createWebappMetrics(registry: Registry) {
  return {
    requestSeconds: new Histogram({
      name: 'webapp_http_request_duration_seconds',
      help: 'Time to answer one HTTP request, by API endpoint, method and status.',
      labelNames: ['endpoint', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export type WebappMetrics = ReturnType<typeof createWebappMetrics>;
