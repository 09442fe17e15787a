import { defaultLogger } from '@libp2p/logger'
import { Registry } from 'prom-client'
import { prometheusMetrics } from '../src/index.js'
import { parseExposition } from './exposition.js'
import type { Family } from './exposition.js'
import type { PrometheusMetricsInit } from '../src/index.js'
import type { Metrics } from '@libp2p/interface'

/** a metrics instance on a registry of its own, without prom-client's process metrics unless asked */
export function createMetrics (init: PrometheusMetricsInit = {}): { metrics: Metrics, registry: Registry } {
  const registry = init.registry ?? new Registry()
  const metrics = prometheusMetrics({ collectDefaultMetrics: false, ...init, registry })({ logger: defaultLogger() })
  return { metrics, registry }
}

/** scrape and parse (throws if the text is not valid exposition format) */
export async function scrape (registry: Registry): Promise<Map<string, Family>> {
  return parseExposition(await registry.metrics())
}
