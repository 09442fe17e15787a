import { Gauge } from 'prom-client'
import { RegisteredMetric } from './registered.js'
import type { MetricConfig } from './registered.js'
import type { CalculateMetric, Metric, StopTimer } from '@libp2p/interface'

/** a Metric is a prom-client Gauge; calculated ones are summed over their registrations at scrape time */
export class PrometheusMetric extends RegisteredMetric<number> implements Metric {
  readonly kind = 'metric'
  readonly #gauge: Gauge

  constructor (config: MetricConfig, calculate?: CalculateMetric) {
    super(config, calculate)
    const calculators = this.calculators
    this.#gauge = new Gauge({
      ...this.promConfig,
      async collect () {
        if (calculators.size > 0) { this.set(await calculators.sum()) }
      }
    })
  }

  update (value: number): void {
    this.#gauge.set(value)
  }

  increment (value = 1): void {
    this.#gauge.inc(value)
  }

  decrement (value = 1): void {
    this.#gauge.dec(value)
  }

  reset (): void {
    this.#gauge.reset()
  }

  timer (): StopTimer {
    return this.#gauge.startTimer()
  }
}
