import { expect } from 'aegir/chai'
import { anySignal, followAbort, withTimeout } from '../src/deadline.js'

describe('withTimeout', () => {
  it('aborts with a TimeoutError naming the operation', async () => {
    const deadline = withTimeout(5, 'the test')
    const reason = await new Promise<any>(resolve => { deadline.signal.addEventListener('abort', () => { resolve(deadline.signal.reason) }) })
    expect(reason.name).to.equal('TimeoutError')
    expect(reason.message).to.include('the test')
    deadline.done()
  })

  it('follows the first given signal that aborts, keeping its reason', () => {
    const a = new AbortController()
    const deadline = withTimeout(10_000, 'x', undefined, a.signal)
    a.abort(new RangeError('mine'))
    expect(deadline.signal.reason).to.be.instanceOf(RangeError)
    deadline.done()
  })

  it('is aborted at once by an already aborted signal, and done() clears the timer', () => {
    const deadline = withTimeout(10_000, 'x', AbortSignal.abort(new RangeError('early')))
    expect(deadline.signal.aborted).to.equal(true)
    deadline.done()
  })

  it('any number of deadlines follow one signal through one listener, and done() ones no longer follow it', () => {
    const shutdown = new AbortController()
    let listeners = 0
    const add = shutdown.signal.addEventListener.bind(shutdown.signal)
    shutdown.signal.addEventListener = (...args: Parameters<typeof add>) => { listeners++; add(...args) }
    const live = Array.from({ length: 50 }, () => withTimeout(10_000, 'x', shutdown.signal))
    const finished = Array.from({ length: 5 }, () => withTimeout(10_000, 'x', shutdown.signal))
    for (const d of finished) { d.done() }
    expect(listeners).to.equal(1)
    shutdown.abort(new RangeError('stopped'))
    expect(live.every(d => d.signal.reason instanceof RangeError)).to.equal(true)
    expect(finished.some(d => d.signal.aborted)).to.equal(false)
    for (const d of live) { d.done() }
  })
})

describe('withTimeout past the longest timer', () => {
  it('does not fire at once when ms is beyond setTimeout\'s range', async () => {
    const far = withTimeout(2 ** 32, 'far')
    const near = withTimeout(5, 'near')
    await new Promise<void>(resolve => { near.signal.addEventListener('abort', () => { resolve() }) })
    expect(far.signal.aborted).to.equal(false)
    far.done()
    near.done()
  })
})

describe('destructured', () => {
  it('signal and done() work taken off the returned object', () => {
    const a = new AbortController()
    const { signal, done } = withTimeout(10_000, 'x', a.signal)
    done()
    a.abort()
    expect(signal.aborted).to.equal(false)
    const joined = anySignal(a.signal)
    const { done: stop } = joined
    stop()
  })
})

describe('anySignal', () => {
  it('aborts with the reason of the first signal that aborts, and never on its own', () => {
    const a = new AbortController()
    const b = new AbortController()
    const joined = anySignal(a.signal, undefined, b.signal)
    expect(joined.signal.aborted).to.equal(false)
    b.abort(new RangeError('b'))
    a.abort(new TypeError('a'))
    expect(joined.signal.reason).to.be.instanceOf(RangeError)
    joined.done()
  })

  it('is aborted at once by an already aborted signal', () => {
    const joined = anySignal(new AbortController().signal, AbortSignal.abort('early'))
    expect(joined.signal.reason).to.equal('early')
    joined.done()
  })

  it('no longer follows its signals after done()', () => {
    const a = new AbortController()
    const joined = anySignal(a.signal)
    joined.done()
    a.abort()
    expect(joined.signal.aborted).to.equal(false)
  })
})

describe('followAbort', () => {
  it('calls back with the reason once, and not after unfollowing', () => {
    const controller = new AbortController()
    const seen: unknown[] = []
    followAbort(controller.signal, r => seen.push(r))
    const stop = followAbort(controller.signal, () => seen.push('unfollowed'))
    stop()
    controller.abort('why')
    controller.abort('again')
    expect(seen).to.deep.equal(['why'])
  })
})
