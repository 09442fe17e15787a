import type { MultiaddrConnection } from './connection.js'
import type { Stream } from './stream.js'

/**
 * The metrics contract of js-libp2p 3, with its names and meanings, so a js metrics implementation
 * (or an application's own) plugs into `createLibp2p({ metrics })` unchanged. The shapes follow
 * prom-client's metric kinds; how the values are read out is up to the implementation
 * (`@libp2p/prometheus-metrics` serves them from a prom-client registry).
 *
 * Every component that records takes `components.metrics` as optional and does nothing without it,
 * so a node built without metrics runs exactly the code it would run if this contract did not exist.
 */

/** what every register* call accepts */
export interface MetricOptions {
  /** for a group: the name of the label its keys are the values of (one label per group) */
  label?: string
  /** the help text shown next to the metric */
  help?: string
}

/**
 * Computes a value at scrape time, for metrics that cost something to work out (a map's size, a
 * walk over connections): nothing is paid between scrapes.
 */
export type CalculateMetric<T = number> = (() => T) | (() => Promise<T>)

/**
 * Registers a metric whose value comes from `calculate` instead of update/increment calls. For a
 * gauge it is the value; for a counter it is what to add at that scrape (js-libp2p's meaning).
 */
export interface CalculatedMetricOptions<T = number> extends MetricOptions {
  calculate: CalculateMetric<T>
}

/** ends a timing started with `timer()` and records the elapsed time (seconds, as prom-client) */
export interface StopTimer {
  (): void
}

/** a value that goes up and down (a prom-client Gauge) */
export interface Metric {
  /** set the value */
  update(value: number): void
  /** add `value` (1 when omitted) */
  increment(value?: number): void
  /** subtract `value` (1 when omitted) */
  decrement(value?: number): void
  /** back to zero */
  reset(): void
  /** start timing; the returned function sets the value to the seconds elapsed */
  timer(): StopTimer
}

/** gauges under one name, one per value of the group's label */
export interface MetricGroup<T extends string = any> {
  /** set the value of each key given */
  update(values: Partial<Record<T, number>>): void
  /** add to each key given: a number, or `true` for 1 */
  increment(values: Partial<Record<T, number | true>>): void
  /** subtract from each key given: a number, or `true` for 1 */
  decrement(values: Partial<Record<T, number | true>>): void
  /** drop every key */
  reset(): void
  /** start timing the key; the returned function sets it to the seconds elapsed */
  timer(key: string): StopTimer
}

/** a value that only goes up (a prom-client Counter) */
export interface Counter {
  /** add `value` (1 when omitted) */
  increment(value?: number): void
  /** back to zero */
  reset(): void
}

/** counters under one name, one per value of the group's label */
export interface CounterGroup<T extends string = any> {
  /** add to each key given: a number, or any other value for 1 */
  increment(values: Partial<Record<T, number | true>>): void
  /** drop every key */
  reset(): void
}

export interface HistogramOptions extends MetricOptions {
  /** upper bounds of the buckets (the implementation's defaults when omitted) */
  buckets?: number[]
}

/** a histogram observed from `calculate` at scrape time */
export interface CalculatedHistogramOptions<T = number> extends HistogramOptions {
  calculate: CalculateMetric<T>
}

/** counts observations into buckets */
export interface Histogram {
  observe(value: number): void
  reset(): void
  /** start timing; the returned function observes the seconds elapsed */
  timer(): StopTimer
}

/** histograms under one name, one per value of the group's label */
export interface HistogramGroup<T extends string = any> {
  observe(values: Partial<Record<T, number>>): void
  reset(): void
  timer(key: string): StopTimer
}

export interface SummaryOptions extends MetricOptions {
  /** the quantiles to report, between 0 and 1 */
  percentiles?: number[]
  /** seconds a sliding-window bucket lives before it is reset */
  maxAgeSeconds?: number
  /** how many buckets the sliding window has */
  ageBuckets?: number
  /** drop label values that saw nothing for `maxAgeSeconds` */
  pruneAgedBuckets?: boolean
  /** the t-digest's compression setting */
  compressCount?: number
}

/** a summary observed from `calculate` at scrape time */
export interface CalculatedSummaryOptions<T = number> extends SummaryOptions {
  calculate: CalculateMetric<T>
}

/** reports quantiles of the observations */
export interface Summary {
  observe(value: number): void
  reset(): void
  timer(): StopTimer
}

/** summaries under one name, one per value of the group's label */
export interface SummaryGroup<T extends string = any> {
  observe(values: Partial<Record<T, number>>): void
  reset(): void
  timer(key: string): StopTimer
}

/** the type an (async) iterator yields */
export type YieldType<T extends AsyncIterator<any> | Iterator<any>> = T extends AsyncIterator<infer Y> ? Y : T extends Iterator<infer Y, any, any> ? Y : never

/** key/value pairs attached to a trace span */
export type TraceAttributes = Record<string, number | string | boolean | number[] | string[] | boolean[]>

export interface TraceFunctionOptions<A, B> {
  /**
   * Which argument is the options object that carries the trace context on to nested calls
   *
   * @default 0
   */
  optionsIndex?: number
  /** add attributes taken from the call's arguments */
  getAttributesFromArgs?(args: A, attributes: TraceAttributes): TraceAttributes
  /** add attributes taken from what the call returned */
  getAttributesFromReturnValue?(value: B, attributes: TraceAttributes): TraceAttributes
}

export interface TraceGeneratorFunctionOptions<A, B, C = any> extends TraceFunctionOptions<A, B> {
  /** add attributes taken from each yielded value (`index` counts from 0) */
  getAttributesFromYieldedValue?(value: C, attributes: TraceAttributes, index: number): TraceAttributes
}

/**
 * What a node records through. Components register their metrics once (at construction or start)
 * and keep the returned objects; a `calculate` registration returns nothing and is read at scrape
 * time. Registering a name twice returns the metric already registered (a second `calculate` is
 * added to it), so two components, or two nodes sharing one implementation, may share a name.
 */
export interface Metrics {
  /** count the bytes of a connection as the transport delivered it (called by the upgrader) */
  trackMultiaddrConnection(maConn: MultiaddrConnection): void
  /** count the bytes of a stream under its protocol (called once the protocol is negotiated) */
  trackProtocolStream(stream: Stream): void

  registerMetric: ((name: string, options?: MetricOptions) => Metric) & ((name: string, options: CalculatedMetricOptions) => void)
  registerMetricGroup: ((name: string, options?: MetricOptions) => MetricGroup) & ((name: string, options: CalculatedMetricOptions<Record<string, number>>) => void)
  registerCounter: ((name: string, options?: MetricOptions) => Counter) & ((name: string, options: CalculatedMetricOptions) => void)
  registerCounterGroup: ((name: string, options?: MetricOptions) => CounterGroup) & ((name: string, options: CalculatedMetricOptions<Record<string, number>>) => void)
  registerHistogram: ((name: string, options?: HistogramOptions) => Histogram) & ((name: string, options: CalculatedHistogramOptions) => void)
  registerHistogramGroup: ((name: string, options?: HistogramOptions) => HistogramGroup) & ((name: string, options: CalculatedHistogramOptions<Record<string, number>>) => void)
  registerSummary: ((name: string, options?: SummaryOptions) => Summary) & ((name: string, options: CalculatedSummaryOptions) => void)
  registerSummaryGroup: ((name: string, options?: SummaryOptions) => SummaryGroup) & ((name: string, options: CalculatedSummaryOptions<Record<string, number>>) => void)

  /**
   * Wrap a function so its calls are traced. The wrapped function takes a trailing options
   * argument (at `optionsIndex`) through which the trace context reaches nested traced calls.
   * An implementation without tracing returns `fn` itself.
   */
  traceFunction<F extends (...args: any[]) => AsyncIterator<any>>(name: string, fn: F, options?: TraceGeneratorFunctionOptions<Parameters<F>, ReturnType<F>, YieldType<ReturnType<F>>>): F
  traceFunction<F extends (...args: any[]) => Iterator<any>>(name: string, fn: F, options?: TraceGeneratorFunctionOptions<Parameters<F>, ReturnType<F>, YieldType<ReturnType<F>>>): F
  traceFunction<F extends (...args: any[]) => any = (...args: any[]) => any>(name: string, fn: F, options?: TraceFunctionOptions<Parameters<F>, ReturnType<F>>): F

  /** a context to pass in the options of traced functions (undefined where tracing is off) */
  createTrace(): any
}
