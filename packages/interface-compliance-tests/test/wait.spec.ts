import { expect } from 'aegir/chai'
import { until } from '../src/wait/index.js'

describe('until', () => {
  it('resolves at once when the condition already holds', async () => {
    let checks = 0
    await until(() => { checks++; return true }, 'nothing')
    expect(checks).to.equal(1)
  })

  it('resolves once the condition comes to hold', async () => {
    let ready = false
    setTimeout(() => { ready = true }, 5)
    await until(() => ready, 'the flag is set')
    expect(ready).to.equal(true)
  })

  it('fails with a TimeoutError naming what it waited for at the deadline', async () => {
    const start = Date.now()
    const err = await until(() => false, 'the impossible', { timeout: 50 }).then(() => undefined, (e: Error) => e)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(err?.message).to.include('the impossible').and.include('50 ms')
    expect(Date.now() - start).to.be.at.least(50).and.below(2_000)
  })

  it('checks every interval, not in a busy loop', async () => {
    let checks = 0
    await until(() => ++checks > 1_000, 'never', { timeout: 100, interval: 20 }).catch(() => {})
    expect(checks).to.be.at.most(10)
  })

  it('rejects with the error of a condition that throws', async () => {
    const err = await until(() => { throw new TypeError('boom') }, 'x').then(() => undefined, (e: Error) => e)
    expect(err).to.have.property('name', 'TypeError')
  })
})
