import { Gauge } from 'prom-client'
import { GroupLabel, RegisteredMetric } from './registered.js'
import type { MetricConfig } from './registered.js'
import type { CalculateMetric, MetricGroup, StopTimer } from '@libp2p/interface'

/**
 * A MetricGroup is one prom-client Gauge with one label. A calculated group is recomputed whole
 * at each scrape: keys that are gone disappear from the output.
 */
export class PrometheusMetricGroup extends RegisteredMetric<Record<string, number>> implements MetricGroup {
  readonly kind = 'metric-group'
  readonly #gauge: Gauge
  readonly #label: GroupLabel

  constructor (config: MetricConfig, calculate?: CalculateMetric<Record<string, number>>) {
    const label = new GroupLabel(config)
    super(config, calculate, [label.name])
    this.#label = label
    const calculators = this.calculators
    this.#gauge = new Gauge({
      ...this.promConfig,
      async collect () {
        if (calculators.size === 0) { return }
        const totals = await calculators.sumByKey()
        this.reset()
        label.clear()
        for (const [key, value] of totals) { this.inc(label.of(key), value) }
      }
    })
  }

  update (values: Record<string, number>): void {
    for (const [key, value] of Object.entries(values)) { this.#gauge.set(this.#label.of(key), value) }
  }

  increment (values: Record<string, number | true>): void {
    for (const [key, value] of Object.entries(values)) { this.#gauge.inc(this.#label.of(key), typeof value === 'number' ? value : 1) }
  }

  decrement (values: Record<string, number | true>): void {
    for (const [key, value] of Object.entries(values)) { this.#gauge.dec(this.#label.of(key), typeof value === 'number' ? value : 1) }
  }

  reset (): void {
    this.#gauge.reset()
    this.#label.clear()
  }

  timer (key: string): StopTimer {
    return this.#gauge.startTimer(this.#label.of(key))
  }
}
