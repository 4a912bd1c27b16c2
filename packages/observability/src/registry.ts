import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

export { Registry, Counter, Gauge, Histogram } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Node's process metrics: CPU, memory, heap, event-loop lag, GC, handles (default on). */
  defaultMetrics?: boolean;
  /** Labels on every series of this registry (e.g. `{ role: 'worker' }`). */
  labels?: Record<string, string>;
}

/** A Prometheus registry of one process. Roles that share a process (`onda all`) share one registry. */
export function createMetricsRegistry(opts: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The metric `name` of `registry`, made by `make` on first use. Roles in one process register the same
 * definitions (queue depth, say) and get one series set instead of a duplicate-name error.
 */
export function metricOnce<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
