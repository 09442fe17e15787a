import { expect } from 'aegir/chai'
import { BoundedQueue } from '../src/bounded-queue.js'

function deferred (): { promise: Promise<void>, resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>(_resolve => { resolve = _resolve })
  return { promise, resolve }
}

describe('BoundedQueue', () => {
  it('runs at most `concurrency` jobs at once, in order', async () => {
    const queue = new BoundedQueue({ concurrency: 2, maxSize: 10 })
    const gates = [deferred(), deferred(), deferred()]
    const started: number[] = []
    const jobs = gates.map(async (gate, i) => queue.add(async () => { started.push(i); await gate.promise; return i }))
    await Promise.resolve()
    expect(started).to.deep.equal([0, 1])
    expect(queue.running).to.equal(2)
    expect(queue.size).to.equal(1)
    gates[0].resolve()
    expect(await jobs[0]).to.equal(0)
    await Promise.resolve()
    expect(started).to.deep.equal([0, 1, 2])
    gates[1].resolve()
    gates[2].resolve()
    expect(await Promise.all(jobs)).to.deep.equal([0, 1, 2])
    expect(queue.running).to.equal(0)
  })

  it('refuses jobs past maxSize with a LimitExceededError naming the option', async () => {
    const queue = new BoundedQueue({ concurrency: 1, maxSize: 1, limitName: 'maxDialQueueLength' })
    const gate = deferred()
    const first = queue.add(async () => gate.promise)
    const second = queue.add(async () => {})
    await expect(queue.add(async () => {})).to.eventually.be.rejected.with.property('limit', 'maxDialQueueLength')
    gate.resolve()
    await Promise.all([first, second])
  })

  it('drops a waiting job whose signal aborts, and the next one runs', async () => {
    const queue = new BoundedQueue({ concurrency: 1, maxSize: 5 })
    const gate = deferred()
    const first = queue.add(async () => gate.promise)
    const controller = new AbortController()
    const aborted = queue.add(async () => 'never', { signal: controller.signal })
    const third = queue.add(async () => 'third')
    controller.abort()
    await expect(aborted).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(queue.size).to.equal(1)
    gate.resolve()
    await first
    expect(await third).to.equal('third')
  })

  it('a failing job frees its slot', async () => {
    const queue = new BoundedQueue({ concurrency: 1, maxSize: 5 })
    await expect(queue.add(async () => { throw new RangeError('x') })).to.eventually.be.rejected.with.property('name', 'RangeError')
    expect(await queue.add(async () => 7)).to.equal(7)
  })
})
