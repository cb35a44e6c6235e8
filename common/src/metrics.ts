/**
 * Prometheus metrics. Each service owns one registry, created in its
 * composition root and handed to whatever records metrics, so tests can read
 * counters without global state.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Creates a registry with Node's process metrics and a `service` label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Reads the current value of a counter or gauge for one label set. */
export async function readMetric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) {
    return 0;
  }
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([k, v]) => value.labels[k] === v),
  );
  return match?.value ?? 0;
}
