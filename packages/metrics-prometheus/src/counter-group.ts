import { Counter } from 'prom-client'
import { GroupLabel, RegisteredMetric } from './registered.js'
import type { MetricConfig } from './registered.js'
import type { CalculateMetric, CounterGroup } from '@libp2p/interface'

/** counters under one label; a calculated group's results are added at each scrape, as PrometheusCounter's */
export class PrometheusCounterGroup extends RegisteredMetric<Record<string, number>> implements CounterGroup {
  readonly kind = 'counter-group'
  readonly #counter: Counter
  readonly #label: GroupLabel

  constructor (config: MetricConfig, calculate?: CalculateMetric<Record<string, number>>) {
    const label = new GroupLabel(config)
    super(config, calculate, [label.name])
    this.#label = label
    const calculators = this.calculators
    this.#counter = new Counter({
      ...this.promConfig,
      async collect () {
        if (calculators.size === 0) { return }
        for (const [key, value] of await calculators.sumByKey()) {
          if (value > 0) { this.inc(label.of(key), value) }
        }
      }
    })
  }

  increment (values: Record<string, number | unknown>): void {
    for (const [key, value] of Object.entries(values)) {
      this.#counter.inc(this.#label.of(key), typeof value === 'number' ? value : 1)
    }
  }

  reset (): void {
    this.#counter.reset()
    this.#label.clear()
  }
}
