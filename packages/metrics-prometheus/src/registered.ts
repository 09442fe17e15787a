import { BoundedLabels, normaliseName } from './bounded-labels.js'
import { Calculators } from './calculators.js'
import type { CalculateMetric, Logger, MetricOptions } from '@libp2p/interface'
import type { Registry } from 'prom-client'

/** what every metric class is built from */
export interface MetricConfig {
  /** already normalised */
  name: string
  options: MetricOptions
  registry: Registry
  log: Logger
  maxLabelValues: number
}

/** the kinds register* creates: registering a name again must ask for the same kind */
export type MetricKind = 'metric' | 'metric-group' | 'counter' | 'counter-group' | 'histogram' | 'histogram-group' | 'summary' | 'summary-group'

/** a metric as the registry of names holds it */
export interface Registered {
  readonly kind: MetricKind
  addCalculator(fn: CalculateMetric<any>): void
}

export interface PromConfig {
  name: string
  help: string
  labelNames: string[]
  registers: Registry[]
}

/** what every metric class shares: its kind and the calculate functions registered under its name */
export abstract class RegisteredMetric<T> implements Registered {
  abstract readonly kind: MetricKind
  protected readonly calculators: Calculators<T>
  /** name, help, labels and registry, as every prom-client metric takes them */
  protected readonly promConfig: PromConfig

  constructor (config: MetricConfig, calculate?: CalculateMetric<T>, labelNames: string[] = []) {
    this.calculators = new Calculators(config.log, calculate)
    this.promConfig = { name: config.name, help: config.options.help ?? config.name, labelNames, registers: [config.registry] }
  }

  addCalculator (fn: CalculateMetric<T>): void {
    this.calculators.add(fn)
  }
}

/**
 * A group's one label (js-libp2p names it after the metric when no `label` is given) and the
 * bound on its values
 */
export class GroupLabel {
  readonly name: string
  readonly #values: BoundedLabels

  constructor (config: MetricConfig) {
    this.name = normaliseName(config.options.label ?? config.name, true)
    this.#values = new BoundedLabels(config.maxLabelValues)
  }

  /** the label set for `key`: the key itself, or OTHER_LABEL_VALUE past the bound */
  of (key: string): Record<string, string> {
    return { [this.name]: this.#values.value(key) }
  }

  clear (): void {
    this.#values.clear()
  }
}
