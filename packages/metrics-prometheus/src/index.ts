/**
 * @packageDocumentation
 *
 * js-libp2p's Metrics contract on prom-client: give `prometheusMetrics()` to createLibp2p and
 * serve the registry's text to Prometheus.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { prometheusMetrics } from '@libp2p/prometheus-metrics'
 * import { Registry } from 'prom-client'
 *
 * const registry = new Registry()
 * const node = await createLibp2p({ metrics: prometheusMetrics({ registry }) })
 * const text = await registry.metrics() // Prometheus exposition format
 * ```
 */
import { PrometheusMetrics } from './prometheus-metrics.js'
import type { PrometheusMetricsComponents, PrometheusMetricsInit } from './prometheus-metrics.js'
import type { Metrics } from '@libp2p/interface'

export type {
  PrometheusMetricsComponents, PrometheusMetricsInit, PrometheusCalculatedMetricOptions, PrometheusCalculatedHistogramOptions,
  PrometheusCalculatedSummaryOptions
} from './prometheus-metrics.js'
export { DEFAULT_MAX_LABEL_VALUES, OTHER_LABEL_VALUE } from './constants.js'
// bucket helpers, as js-libp2p's package re-exports them
export { linearBuckets, exponentialBuckets } from 'prom-client'

export function prometheusMetrics (init?: PrometheusMetricsInit): (components: PrometheusMetricsComponents) => Metrics {
  return (components) => new PrometheusMetrics(components, init)
}
