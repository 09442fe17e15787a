import { statfs } from 'node:fs/promises'
import { totalmem } from 'node:os'
import { InvalidParametersError, serviceCapabilities } from '@libp2p/interface'
import { collectDefaultMetrics, register as globalRegistry } from 'prom-client'
import { normaliseName } from './bounded-labels.js'
import { DEFAULT_MAX_LABEL_VALUES, DEFAULT_STATFS_LOCATION } from './constants.js'
import { PrometheusCounterGroup } from './counter-group.js'
import { PrometheusCounter } from './counter.js'
import { PrometheusDistribution, PrometheusDistributionGroup } from './distribution.js'
import { PrometheusMetricGroup } from './metric-group.js'
import { PrometheusMetric } from './metric.js'
import { TransferStats } from './transfer-stats.js'
import type { MetricConfig, MetricKind, Registered } from './registered.js'
import type {
  CalculateMetric, CalculatedHistogramOptions, CalculatedMetricOptions, CalculatedSummaryOptions, ComponentLogger, Counter, CounterGroup, Histogram, HistogramGroup, HistogramOptions, Logger, Metric, MetricGroup,
  MetricOptions, Metrics, MultiaddrConnection, Stream, Summary, SummaryGroup, SummaryOptions
} from '@libp2p/interface'
import type { DefaultMetricsCollectorConfiguration, Registry, RegistryContentType } from 'prom-client'

export interface PrometheusMetricsInit {
  /** where metrics are registered and read from (`registry.metrics()`); prom-client's global registry by default */
  registry?: Registry
  /** false: do not register prom-client's default process metrics (CPU, heap, event-loop lag, file descriptors, GC) */
  collectDefaultMetrics?: boolean
  /** passed to prom-client's collectDefaultMetrics (prefix, labels, GC buckets, event-loop sampling) */
  defaultMetrics?: DefaultMetricsCollectorConfiguration<RegistryContentType>
  /** true: keep what the registry holds; by default it is cleared on creation so names do not clash */
  preserveExistingMetrics?: boolean
  /** the path whose file system `nodejs_fs_usage_bytes` reports (default: the working directory) */
  statfsLocation?: string
  /**
   * Distinct label values one metric group keeps apart; the rest are added up under the value
   * 'other' (ours; js-libp2p has no bound). Default 256.
   */
  maxLabelValues?: number
}

/** js-libp2p's per-registration options: a calculated metric may go to a registry of its own */
export interface PrometheusCalculatedMetricOptions<T = number> extends CalculatedMetricOptions<T> {
  registry?: Registry
}

export interface PrometheusCalculatedHistogramOptions<T = number> extends CalculatedHistogramOptions<T> {
  registry?: Registry
}

export interface PrometheusCalculatedSummaryOptions<T = number> extends CalculatedSummaryOptions<T> {
  registry?: Registry
}

export interface PrometheusMetricsComponents {
  logger: ComponentLogger
}

/**
 * What each registry holds, shared by every PrometheusMetrics on it: prom-client refuses a name
 * twice, so a second node (or component) registering a name gets the first one's metric with its
 * calculate function added, and byte counts of both nodes add up.
 */
interface RegistryState {
  metrics: Map<string, Registered>
  /** made by the first PrometheusMetrics on the registry (a registry only named by a registration has none) */
  transfer?: TransferStats
}

const states = new WeakMap<Registry, RegistryState>()

function stateOf (registry: Registry): RegistryState {
  let state = states.get(registry)
  if (state === undefined) {
    state = { metrics: new Map() }
    states.set(registry, state)
  }
  return state
}

/** which prom-client names collectDefaultMetrics registered, to skip a second registration on a kept registry */
const PROCESS_METRIC = 'process_cpu_user_seconds_total'

export class PrometheusMetrics implements Metrics {
  readonly #log: Logger
  readonly #registry: Registry
  readonly #metrics: Map<string, Registered>
  readonly #maxLabelValues: number
  readonly #transfer: TransferStats

  readonly [Symbol.toStringTag] = '@libp2p/prometheus-metrics'
  readonly [serviceCapabilities]: string[] = ['@libp2p/metrics']

  constructor (components: PrometheusMetricsComponents, init: PrometheusMetricsInit = {}) {
    this.#log = components.logger.forComponent('libp2p:prometheus-metrics')
    this.#registry = init.registry ?? globalRegistry
    this.#maxLabelValues = init.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES
    if (!Number.isInteger(this.#maxLabelValues) || this.#maxLabelValues < 2) {
      throw new InvalidParametersError(`maxLabelValues must be an integer of at least 2 (got ${String(init.maxLabelValues)})`)
    }

    if (init.preserveExistingMetrics !== true) {
      this.#registry.clear()
      states.delete(this.#registry)
    }
    const state = stateOf(this.#registry)
    // the first instance on the registry makes the byte counts and the process gauges
    const fresh = state.transfer === undefined
    state.transfer ??= new TransferStats(this.#registry, this.#maxLabelValues)
    this.#metrics = state.metrics
    this.#transfer = state.transfer

    const prefix = init.defaultMetrics?.prefix ?? ''
    if (init.collectDefaultMetrics !== false && this.#registry.getSingleMetric(`${prefix}${PROCESS_METRIC}`) === undefined) {
      collectDefaultMetrics({ ...init.defaultMetrics, register: this.#registry })
    }

    // once per registry: a second node in the process would add its (equal) reading to the first's
    if (fresh) { this.#registerProcessMetrics(init.statfsLocation ?? DEFAULT_STATFS_LOCATION) }
  }

  /** js-libp2p's memory and file-system gauges, beside prom-client's defaults */
  #registerProcessMetrics (statfsLocation: string): void {
    this.registerMetricGroup('nodejs_memory_usage_bytes', {
      label: 'memory',
      help: 'process.memoryUsage(), in bytes',
      calculate: () => ({ ...process.memoryUsage() })
    })
    this.registerMetric('nodejs_memory_total_bytes', {
      help: 'the machine\'s memory, in bytes',
      calculate: () => totalmem()
    })
    this.registerMetricGroup('nodejs_fs_usage_bytes', {
      label: 'filesystem',
      help: 'the file system of the working directory (or statfsLocation), in bytes',
      calculate: async () => {
        const stats = await statfs(statfsLocation)
        return { total: stats.bsize * stats.blocks, free: stats.bsize * stats.bfree, available: stats.bsize * stats.bavail }
      }
    })
  }

  trackMultiaddrConnection (maConn: MultiaddrConnection): void {
    this.#transfer.track(maConn, 'global')
  }

  trackProtocolStream (stream: Stream): void {
    // before negotiation there is no protocol to count under (libp2p calls this after it)
    if (stream.protocol === '' || stream.protocol == null) { return }
    this.#transfer.track(stream, stream.protocol)
  }

  registerMetric (name: string, options?: MetricOptions): Metric
  registerMetric (name: string, options: PrometheusCalculatedMetricOptions): void
  registerMetric (name: string, options: MetricOptions & { calculate?: CalculateMetric } = {}): Metric | undefined {
    return this.#register('metric', name, options, (config, calc) => new PrometheusMetric(config, calc))
  }

  registerMetricGroup (name: string, options?: MetricOptions): MetricGroup
  registerMetricGroup (name: string, options: PrometheusCalculatedMetricOptions<Record<string, number>>): void
  registerMetricGroup (name: string, options: MetricOptions & { calculate?: CalculateMetric<Record<string, number>> } = {}): MetricGroup | undefined {
    return this.#register('metric-group', name, options, (config, calc) => new PrometheusMetricGroup(config, calc))
  }

  registerCounter (name: string, options?: MetricOptions): Counter
  registerCounter (name: string, options: PrometheusCalculatedMetricOptions): void
  registerCounter (name: string, options: MetricOptions & { calculate?: CalculateMetric } = {}): Counter | undefined {
    return this.#register('counter', name, options, (config, calc) => new PrometheusCounter(config, calc))
  }

  registerCounterGroup (name: string, options?: MetricOptions): CounterGroup
  registerCounterGroup (name: string, options: PrometheusCalculatedMetricOptions<Record<string, number>>): void
  registerCounterGroup (name: string, options: MetricOptions & { calculate?: CalculateMetric<Record<string, number>> } = {}): CounterGroup | undefined {
    return this.#register('counter-group', name, options, (config, calc) => new PrometheusCounterGroup(config, calc))
  }

  registerHistogram (name: string, options?: HistogramOptions): Histogram
  registerHistogram (name: string, options: PrometheusCalculatedHistogramOptions): void
  registerHistogram (name: string, options: HistogramOptions & { calculate?: CalculateMetric } = {}): Histogram | undefined {
    return this.#register('histogram', name, options, (config, calc) => new PrometheusDistribution('histogram', config, calc))
  }

  registerHistogramGroup (name: string, options?: HistogramOptions): HistogramGroup
  registerHistogramGroup (name: string, options: PrometheusCalculatedHistogramOptions<Record<string, number>>): void
  registerHistogramGroup (name: string, options: HistogramOptions & { calculate?: CalculateMetric<Record<string, number>> } = {}): HistogramGroup | undefined {
    return this.#register('histogram-group', name, options, (config, calc) => new PrometheusDistributionGroup('histogram', config, calc))
  }

  registerSummary (name: string, options?: SummaryOptions): Summary
  registerSummary (name: string, options: PrometheusCalculatedSummaryOptions): void
  registerSummary (name: string, options: SummaryOptions & { calculate?: CalculateMetric } = {}): Summary | undefined {
    return this.#register('summary', name, options, (config, calc) => new PrometheusDistribution('summary', config, calc))
  }

  registerSummaryGroup (name: string, options?: SummaryOptions): SummaryGroup
  registerSummaryGroup (name: string, options: PrometheusCalculatedSummaryOptions<Record<string, number>>): void
  registerSummaryGroup (name: string, options: SummaryOptions & { calculate?: CalculateMetric<Record<string, number>> } = {}): SummaryGroup | undefined {
    return this.#register('summary-group', name, options, (config, calc) => new PrometheusDistributionGroup('summary', config, calc))
  }

  /** tracing is not implemented: functions run as they are */
  traceFunction<F extends (...args: any[]) => any>(_name: string, fn: F): F {
    return fn
  }

  createTrace (): any {
    return undefined
  }

  /**
   * The one registration path: a name seen before gives back its metric (calculate added), a new
   * one is made. A calculated registration returns nothing, as the contract says.
   */
  #register<M extends Registered, T>(kind: MetricKind, rawName: string, options: MetricOptions & { calculate?: CalculateMetric<T> }, make: (config: MetricConfig, calculate?: CalculateMetric<T>) => M): M | undefined {
    if (typeof rawName !== 'string' || rawName.trim() === '') {
      throw new InvalidParametersError('a metric needs a name')
    }
    const name = normaliseName(rawName)
    const { calculate, registry: own, ...rest } = options as typeof options & { registry?: Registry }
    // a registration naming another registry (js-libp2p's option) is kept in that registry's names
    const registry = own ?? this.#registry
    const metrics = own == null ? this.#metrics : stateOf(own).metrics
    let metric = metrics.get(name) as M | undefined
    if (metric === undefined) {
      this.#log.trace('register %s %s', kind, name)
      metric = make({ name, options: rest, registry, log: this.#log, maxLabelValues: this.#maxLabelValues }, calculate)
      metrics.set(name, metric)
    } else if (metric.kind !== kind) {
      throw new InvalidParametersError(`metric ${name} is registered as a ${metric.kind}, not a ${kind}`)
    } else if (calculate != null) {
      metric.addCalculator(calculate)
    }
    return calculate == null ? metric : undefined
  }
}
