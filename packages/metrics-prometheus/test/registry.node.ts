import { expect } from 'aegir/chai'
import { register as globalRegistry, Registry } from 'prom-client'
import { sampleValue } from './exposition.js'
import { createMetrics, scrape } from './helpers.js'
import type { PrometheusCalculatedMetricOptions } from '../src/index.js'

describe('the registry', () => {
  it('prom-client\'s process metrics are there by default: event-loop lag, heap, file descriptors', async () => {
    const { registry } = createMetrics({ collectDefaultMetrics: true })
    const families = await scrape(registry)
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_open_fds', 'process_cpu_user_seconds_total', 'nodejs_memory_usage_bytes', 'nodejs_fs_usage_bytes']) {
      expect(families.has(name), name).to.equal(true)
    }
    expect(sampleValue(families, 'nodejs_heap_size_used_bytes')).to.be.above(0)
    expect(sampleValue(families, 'process_open_fds')).to.be.above(0)
  })

  it('collectDefaultMetrics: false leaves them out', async () => {
    const { registry } = createMetrics({ collectDefaultMetrics: false })
    expect((await scrape(registry)).has('process_cpu_user_seconds_total')).to.equal(false)
  })

  it('the registry is cleared on creation unless preserveExistingMetrics is set', async () => {
    const registry = new Registry()
    const { metrics } = createMetrics({ registry })
    metrics.registerCounter('test_kept_total').increment(3)

    const kept = createMetrics({ registry, preserveExistingMetrics: true, collectDefaultMetrics: true })
    // the second instance shares the first one's metrics
    kept.metrics.registerCounter('test_kept_total').increment(1)
    expect(sampleValue(await scrape(registry), 'test_kept_total')).to.equal(4)

    createMetrics({ registry })
    expect((await scrape(registry)).has('test_kept_total')).to.equal(false)
  })

  it('a kept registry does not register the process metrics twice', async () => {
    const registry = new Registry()
    createMetrics({ registry, collectDefaultMetrics: true })
    createMetrics({ registry, collectDefaultMetrics: true, preserveExistingMetrics: true })
    const families = await scrape(registry)
    expect(families.get('nodejs_memory_total_bytes')?.samples).to.have.length(1)
  })

  it('a calculated registration may name a registry of its own (js-libp2p\'s registry option)', async () => {
    const { metrics, registry } = createMetrics()
    const other = new Registry()
    const options: PrometheusCalculatedMetricOptions = { calculate: () => 4, registry: other }
    metrics.registerMetric('test_elsewhere', options)
    expect(sampleValue(await scrape(other), 'test_elsewhere')).to.equal(4)
    expect((await scrape(registry)).has('test_elsewhere')).to.equal(false)
  })

  it('without a registry, prom-client\'s global one is used', async () => {
    const { prometheusMetrics } = await import('../src/index.js')
    const { defaultLogger } = await import('@libp2p/logger')
    const metrics = prometheusMetrics({ collectDefaultMetrics: false })({ logger: defaultLogger() })
    metrics.registerCounter('test_global_total').increment()
    expect(await globalRegistry.metrics()).to.include('test_global_total 1')
    globalRegistry.clear()
  })
})
