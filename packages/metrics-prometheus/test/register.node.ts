import { expect } from 'aegir/chai'
import { sampleValue } from './exposition.js'
import { createMetrics, scrape } from './helpers.js'

describe('registering metrics', () => {
  it('a metric is a gauge: update, increment, decrement, reset', async () => {
    const { metrics, registry } = createMetrics()
    const metric = metrics.registerMetric('test_gauge', { help: 'a gauge' })
    metric.update(10)
    metric.increment()
    metric.increment(4)
    metric.decrement(2)
    let families = await scrape(registry)
    expect(families.get('test_gauge')?.type).to.equal('gauge')
    expect(families.get('test_gauge')?.help).to.equal('a gauge')
    expect(sampleValue(families, 'test_gauge')).to.equal(13)
    metric.reset()
    families = await scrape(registry)
    expect(sampleValue(families, 'test_gauge')).to.equal(0)
  })

  it('a metric group has one label, named by `label` or after the metric', async () => {
    const { metrics, registry } = createMetrics()
    const named = metrics.registerMetricGroup('test_named', { label: 'state' })
    named.update({ open: 3, closed: 1 })
    named.increment({ open: true, closed: 2 })
    named.decrement({ open: 1 })
    const unnamed = metrics.registerMetricGroup('test_unnamed')
    unnamed.update({ x: 7 })
    const families = await scrape(registry)
    expect(sampleValue(families, 'test_named', { state: 'open' })).to.equal(3)
    expect(sampleValue(families, 'test_named', { state: 'closed' })).to.equal(3)
    expect(sampleValue(families, 'test_unnamed', { test_unnamed: 'x' })).to.equal(7)
  })

  it('counters and counter groups only go up; any non-number counts 1', async () => {
    const { metrics, registry } = createMetrics()
    const counter = metrics.registerCounter('test_total')
    counter.increment()
    counter.increment(5)
    const group = metrics.registerCounterGroup('test_errors_total', { label: 'reason' })
    group.increment({ TimeoutError: true, AbortError: 2 })
    group.increment({ TimeoutError: true })
    const families = await scrape(registry)
    expect(families.get('test_total')?.type).to.equal('counter')
    expect(sampleValue(families, 'test_total')).to.equal(6)
    expect(sampleValue(families, 'test_errors_total', { reason: 'TimeoutError' })).to.equal(2)
    expect(sampleValue(families, 'test_errors_total', { reason: 'AbortError' })).to.equal(2)
  })

  it('histograms and summaries observe, alone and in groups', async () => {
    const { metrics, registry } = createMetrics()
    const histogram = metrics.registerHistogram('test_latency_seconds', { buckets: [0.1, 1] })
    histogram.observe(0.05)
    histogram.observe(0.5)
    const histograms = metrics.registerHistogramGroup('test_query_seconds', { label: 'type', buckets: [1] })
    histograms.observe({ GET_VALUE: 0.2 })
    const summary = metrics.registerSummary('test_size_bytes', { percentiles: [0.5] })
    summary.observe(10)
    summary.observe(30)
    const summaries = metrics.registerSummaryGroup('test_sizes_bytes', { label: 'kind', percentiles: [0.5] })
    summaries.observe({ a: 4 })
    const families = await scrape(registry)
    expect(families.get('test_latency_seconds')?.type).to.equal('histogram')
    expect(sampleValue(families, 'test_latency_seconds_bucket', { le: '0.1' })).to.equal(1)
    expect(sampleValue(families, 'test_latency_seconds_bucket', { le: '1' })).to.equal(2)
    expect(sampleValue(families, 'test_latency_seconds_count')).to.equal(2)
    expect(sampleValue(families, 'test_query_seconds_count', { type: 'GET_VALUE' })).to.equal(1)
    expect(families.get('test_size_bytes')?.type).to.equal('summary')
    expect(sampleValue(families, 'test_size_bytes_sum')).to.equal(40)
    expect(sampleValue(families, 'test_sizes_bytes_count', { kind: 'a' })).to.equal(1)
  })

  it('timers record elapsed seconds', async () => {
    const { metrics, registry } = createMetrics()
    const stop = metrics.registerHistogram('test_timed_seconds').timer()
    stop()
    const stopKey = metrics.registerMetricGroup('test_timed_group').timer('k')
    stopKey()
    const families = await scrape(registry)
    expect(sampleValue(families, 'test_timed_seconds_count')).to.equal(1)
    expect(sampleValue(families, 'test_timed_group', { test_timed_group: 'k' })).to.be.at.least(0)
  })

  it('calculated metrics are read at scrape time and return nothing at registration', async () => {
    const { metrics, registry } = createMetrics()
    let size = 3
    expect(metrics.registerMetric('test_size', { calculate: () => size })).to.equal(undefined)
    metrics.registerMetricGroup('test_conns', { label: 'direction', calculate: async () => ({ inbound: size, outbound: 1 }) })
    let families = await scrape(registry)
    expect(sampleValue(families, 'test_size')).to.equal(3)
    expect(sampleValue(families, 'test_conns', { direction: 'inbound' })).to.equal(3)
    size = 8
    families = await scrape(registry)
    expect(sampleValue(families, 'test_size')).to.equal(8)
    expect(sampleValue(families, 'test_conns', { direction: 'inbound' })).to.equal(8)
  })

  it('a calculated counter adds what its function returns at each scrape (js-libp2p\'s meaning)', async () => {
    const { metrics, registry } = createMetrics()
    metrics.registerCounter('test_calc_total', { calculate: () => 2 })
    metrics.registerCounterGroup('test_calc_group_total', { label: 'k', calculate: () => ({ a: 1 }) })
    await scrape(registry)
    const families = await scrape(registry)
    expect(sampleValue(families, 'test_calc_total')).to.equal(4)
    expect(sampleValue(families, 'test_calc_group_total', { k: 'a' })).to.equal(2)
  })

  it('a calculated gauge group drops keys that are gone', async () => {
    const { metrics, registry } = createMetrics()
    let values: Record<string, number> = { a: 1, b: 2 }
    metrics.registerMetricGroup('test_keys', { label: 'k', calculate: () => values })
    await scrape(registry)
    values = { b: 5 }
    const family = (await scrape(registry)).get('test_keys')
    expect(family?.samples.map(s => s.labels.k)).to.deep.equal(['b'])
  })

  it('registering a name again returns the same metric and adds the second calculation', async () => {
    const { metrics, registry } = createMetrics()
    const first = metrics.registerCounter('test_shared_total')
    const second = metrics.registerCounter('test_shared_total')
    expect(second).to.equal(first)
    metrics.registerMetric('test_sum', { calculate: () => 2 })
    metrics.registerMetric('test_sum', { calculate: () => 3 })
    expect(sampleValue(await scrape(registry), 'test_sum')).to.equal(5)
  })

  it('registering a name as another kind is an InvalidParametersError', () => {
    const { metrics } = createMetrics()
    metrics.registerCounter('test_kind')
    expect(() => metrics.registerMetric('test_kind')).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => metrics.registerMetric(' ')).to.throw().with.property('name', 'InvalidParametersError')
  })

  it('names and labels with characters Prometheus refuses are normalised', async () => {
    const { metrics, registry } = createMetrics()
    metrics.registerMetricGroup('libp2p_kad-dht/lan', { label: 'query-type' }).update({ 'GET_VALUE/x': 1 })
    const families = await scrape(registry)
    expect(sampleValue(families, 'libp2p_kad_dht_lan', { query_type: 'GET_VALUE/x' })).to.equal(1)
  })

  it('a calculation that throws leaves the rest of the scrape intact', async () => {
    const { metrics, registry } = createMetrics()
    metrics.registerMetric('test_broken', { calculate: () => { throw new Error('broken') } })
    metrics.registerMetric('test_fine', { calculate: () => 1 })
    expect(sampleValue(await scrape(registry), 'test_fine')).to.equal(1)
  })

  it('traceFunction returns the function itself and createTrace nothing (no tracing)', () => {
    const { metrics } = createMetrics()
    const fn = (a: number): number => a + 1
    expect(metrics.traceFunction('f', fn)).to.equal(fn)
    expect(metrics.createTrace()).to.equal(undefined)
  })
})
