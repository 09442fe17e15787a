import { Counter } from 'prom-client'
import { RegisteredMetric } from './registered.js'
import type { MetricConfig } from './registered.js'
import type { CalculateMetric, Counter as CounterInterface } from '@libp2p/interface'

/**
 * A Counter is a prom-client Counter. As in js-libp2p, what a calculated counter's function returns
 * is added at each scrape (it reports the increase since the last one); a negative result is ignored,
 * since a counter only goes up.
 */
export class PrometheusCounter extends RegisteredMetric<number> implements CounterInterface {
  readonly kind = 'counter'
  readonly #counter: Counter

  constructor (config: MetricConfig, calculate?: CalculateMetric) {
    super(config, calculate)
    const calculators = this.calculators
    this.#counter = new Counter({
      ...this.promConfig,
      async collect () {
        if (calculators.size === 0) { return }
        const value = await calculators.sum()
        if (value > 0) { this.inc(value) }
      }
    })
  }

  increment (value = 1): void {
    this.#counter.inc(value)
  }

  reset (): void {
    this.#counter.reset()
  }
}
