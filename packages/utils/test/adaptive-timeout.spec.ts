import { expect } from 'aegir/chai'
import { AdaptiveTimeout } from '../src/adaptive-timeout.js'

describe('AdaptiveTimeout', () => {
  it('starts from its minimum and follows measured durations within bounds', () => {
    const t = new AdaptiveTimeout({ minTimeout: 100, maxTimeout: 10_000, warmupSamples: 3 })
    expect(t.timeout).to.equal(200)
    for (let i = 0; i < 20; i++) { t.record(1000) }
    expect(t.timeout).to.equal(1000) // no variance: mean
    for (let i = 0; i < 20; i++) { t.record(i % 2 === 0 ? 500 : 1500) }
    expect(t.timeout).to.be.greaterThan(1000)
    for (let i = 0; i < 50; i++) { t.record(1_000_000) }
    expect(t.timeout).to.equal(10_000)
    const fast = new AdaptiveTimeout({ minTimeout: 100, warmupSamples: 1 })
    for (let i = 0; i < 10; i++) { fast.record(1) }
    expect(fast.timeout).to.equal(100)
  })

  it('gives a signal that aborts after the timeout and learns only from successes', async () => {
    const t = new AdaptiveTimeout({ minTimeout: 5, maxTimeout: 5, warmupSamples: 0 })
    const signal = t.getTimeoutSignal()
    expect(signal.timeout).to.equal(5)
    await new Promise<void>(resolve => { signal.addEventListener('abort', () => { resolve() }) })
    t.cleanUp(signal) // aborted: not recorded
    expect(t.timeout).to.equal(5)
  })

  it('follows the caller signal too', () => {
    const t = new AdaptiveTimeout()
    const controller = new AbortController()
    const signal = t.getTimeoutSignal({ signal: controller.signal })
    controller.abort()
    expect(signal.aborted).to.equal(true)
    t.cleanUp(signal)
  })

  it('cleanUp() releases the caller signal and the timer', () => {
    const t = new AdaptiveTimeout({ minTimeout: 5, maxTimeout: 5, warmupSamples: 0 })
    const controller = new AbortController()
    const signal = t.getTimeoutSignal({ signal: controller.signal })
    t.cleanUp(signal)
    controller.abort()
    expect(signal.aborted).to.equal(false)
  })

  it('aborts with a TimeoutError', async () => {
    const t = new AdaptiveTimeout({ minTimeout: 5, maxTimeout: 5, warmupSamples: 0 })
    const signal = t.getTimeoutSignal()
    await new Promise<void>(resolve => { signal.addEventListener('abort', () => { resolve() }) })
    expect(signal.reason).to.have.property('name', 'TimeoutError')
    t.cleanUp(signal)
  })
})
