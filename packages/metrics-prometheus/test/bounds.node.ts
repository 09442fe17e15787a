import { expect } from 'aegir/chai'
import { OTHER_LABEL_VALUE } from '../src/index.js'
import { sampleValue } from './exposition.js'
import { createMetrics, scrape } from './helpers.js'

describe('label cardinality', () => {
  it('a group keeps maxLabelValues series; later values add up under "other"', async () => {
    const { metrics, registry } = createMetrics({ maxLabelValues: 4 })
    const group = metrics.registerCounterGroup('test_reasons_total', { label: 'reason' })
    for (let i = 0; i < 100; i++) { group.increment({ [`reason-${i}`]: true }) }
    const family = (await scrape(registry)).get('test_reasons_total')
    expect(family?.samples).to.have.length(4)
    expect(sampleValue(new Map([['test_reasons_total', family!]]), 'test_reasons_total', { reason: OTHER_LABEL_VALUE })).to.equal(97)
  })

  it('a calculated group is bounded at each scrape', async () => {
    const { metrics, registry } = createMetrics({ maxLabelValues: 3 })
    metrics.registerMetricGroup('test_many', { label: 'k', calculate: () => Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 1])) })
    const family = (await scrape(registry)).get('test_many')
    expect(family?.samples).to.have.length(3)
    expect(family?.samples.reduce((sum, s) => sum + s.value, 0)).to.equal(50)
  })

  it('reset() frees the values for new ones', async () => {
    const { metrics, registry } = createMetrics({ maxLabelValues: 2 })
    const group = metrics.registerMetricGroup('test_reset', { label: 'k' })
    group.update({ a: 1, b: 1 })
    group.reset()
    group.update({ c: 1 })
    expect(sampleValue(await scrape(registry), 'test_reset', { k: 'c' })).to.equal(1)
  })

  it('maxLabelValues below 2 is refused', () => {
    expect(() => createMetrics({ maxLabelValues: 1 })).to.throw().with.property('name', 'InvalidParametersError')
  })
})
