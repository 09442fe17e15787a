import { Histogram, Summary } from 'prom-client'
import { GroupLabel, RegisteredMetric } from './registered.js'
import type { MetricConfig, PromConfig } from './registered.js'
import type { CalculateMetric, HistogramOptions, Histogram as HistogramInterface, HistogramGroup, StopTimer, Summary as SummaryInterface, SummaryGroup, SummaryOptions } from '@libp2p/interface'
import type { CollectFunction } from 'prom-client'

// Histograms and summaries differ only in how prom-client aggregates observations, so one wrapper
// serves both: `observe`, `reset` and `timer` mean the same on each. A calculated one observes what
// each of its functions returns, once per scrape.

type Observer = Histogram | Summary

function makeObserver (kind: 'histogram' | 'summary', config: MetricConfig, promConfig: PromConfig, collect: CollectFunction<Observer>): Observer {
  const common = { ...promConfig, collect }
  if (kind === 'histogram') {
    const { buckets } = config.options as HistogramOptions
    return new Histogram({ ...common, ...(buckets == null ? {} : { buckets }) })
  }
  const { percentiles, maxAgeSeconds, ageBuckets, pruneAgedBuckets, compressCount } = config.options as SummaryOptions
  return new Summary({ ...common, percentiles, maxAgeSeconds, ageBuckets, pruneAgedBuckets, compressCount })
}

export class PrometheusDistribution extends RegisteredMetric<number> implements HistogramInterface, SummaryInterface {
  readonly kind: 'histogram' | 'summary'
  readonly #observer: Observer

  constructor (kind: 'histogram' | 'summary', config: MetricConfig, calculate?: CalculateMetric) {
    super(config, calculate)
    this.kind = kind
    const calculators = this.calculators
    this.#observer = makeObserver(kind, config, this.promConfig, async function () {
      for (const value of await calculators.results()) { this.observe(value) }
    })
  }

  observe (value: number): void {
    this.#observer.observe(value)
  }

  reset (): void {
    this.#observer.reset()
  }

  timer (): StopTimer {
    return this.#observer.startTimer()
  }
}

export class PrometheusDistributionGroup extends RegisteredMetric<Record<string, number>> implements HistogramGroup, SummaryGroup {
  readonly kind: 'histogram-group' | 'summary-group'
  readonly #observer: Observer
  readonly #label: GroupLabel

  constructor (kind: 'histogram' | 'summary', config: MetricConfig, calculate?: CalculateMetric<Record<string, number>>) {
    const label = new GroupLabel(config)
    super(config, calculate, [label.name])
    this.kind = `${kind}-group`
    this.#label = label
    const calculators = this.calculators
    this.#observer = makeObserver(kind, config, this.promConfig, async function () {
      for (const values of await calculators.results()) {
        for (const [key, value] of Object.entries(values)) { this.observe(label.of(key), value) }
      }
    })
  }

  observe (values: Record<string, number>): void {
    for (const [key, value] of Object.entries(values)) { this.#observer.observe(this.#label.of(key), value) }
  }

  reset (): void {
    this.#observer.reset()
    this.#label.clear()
  }

  timer (key: string): StopTimer {
    return this.#observer.startTimer(this.#label.of(key))
  }
}
