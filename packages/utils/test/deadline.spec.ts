import { expect } from 'aegir/chai'
import { withTimeout } from '../src/deadline.js'

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
})
