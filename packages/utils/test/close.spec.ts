import { expect } from 'aegir/chai'
import { abortAfter } from '../src/deadline.js'
import { PairedMessageStream, disabledLogger, messageStreamPair } from '../src/stream-pair.js'
import type { MessageStreamPairInit } from '../src/stream-pair.js'
import type { AbortOptions } from '@libp2p/interface'

/** a pair whose close() is a connection's (closeGracefully), as MultiaddrConnection implementations do */
class PairedConnection extends PairedMessageStream {
  async close (options?: AbortOptions): Promise<void> {
    await this.closeGracefully(options)
  }
}

function connectionPair (init: MessageStreamPairInit = {}): [PairedConnection, PairedConnection] {
  const a = new PairedConnection({ ...init, id: 'a', log: disabledLogger(), direction: 'outbound' })
  const b = new PairedConnection({ ...init, id: 'b', log: disabledLogger(), direction: 'inbound' })
  a.peer = b
  b.peer = a
  return [a, b]
}

describe('AbstractMessageStream close() deadline (a stream\'s close)', () => {
  it('aborts with TimeoutError when the flush makes no progress for closeTimeout (the remote does not read)', async () => {
    const [a, b] = messageStreamPair({ closeTimeout: 30, readHighWaterMark: 1024 })
    // the first send goes through and pauses the reader; the second stays in the write buffer
    a.send(new Uint8Array(64 * 1024))
    a.send(new Uint8Array(64 * 1024))
    const err = await a.close().then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(a.status).to.equal('aborted')
    expect(b.status).to.equal('reset')
  })

  it('does not wait for the remote: a remote that never closes leaves the stream open, not aborted', async () => {
    const [a] = messageStreamPair({ closeTimeout: 30 })
    await a.close()
    expect(a.writeStatus).to.equal('closed')
    expect(a.status).to.equal('open')
  })
})

describe('closeGracefully() deadline (a connection\'s close)', () => {
  it('aborts with TimeoutError when the remote does not close its side within closeTimeout', async () => {
    const [a] = connectionPair({ closeTimeout: 30 })
    const err = await a.close().then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(a.status).to.equal('aborted')
  })

  it('leaves a connection that closed in time alone', async () => {
    const [a, b] = connectionPair({ closeTimeout: 40 })
    const closing = a.close()
    await b.closeWrite()
    await closing
    expect(a.status).to.equal('closed')
    // a later close that times out with the same duration: by then the first deadline has passed too
    const [c] = connectionPair({ closeTimeout: 40 })
    await expect(c.close()).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(a.status).to.equal('closed')
    expect(b.status).to.equal('closed')
  })

  it('keeps the caller\'s error when its signal aborts first', async () => {
    const [a] = connectionPair({ closeTimeout: 5000 })
    const controller = new AbortController()
    const closing = a.close({ signal: controller.signal })
    controller.abort(new Error('caller gave up'))
    const err = await closing.then(() => undefined, (err) => err)
    expect(err).to.have.property('message', 'caller gave up')
    expect(a.status).to.equal('aborted')
  })
})

describe('abortAfter', () => {
  it('aborts pending targets in order, each once, and not the cancelled ones', async () => {
    const aborted: string[] = []
    const target = (name: string): { abort(err: Error): void } => ({ abort: (err) => { aborted.push(`${name}:${err.message}`) } })
    const reason = (ms: number): Error => new Error(`after ${ms}`)
    const a = abortAfter(target('a'), 20, reason)
    const b = abortAfter(target('b'), 20, reason)
    const c = abortAfter(target('c'), 20, reason)
    b.cancel()
    a.cancel()
    let done: () => void = () => {}
    const last = new Promise<void>(resolve => { done = resolve })
    abortAfter({ abort: () => { done() } }, 20, reason)
    await last
    c.cancel() // already expired: a no-op
    expect(aborted).to.deep.equal(['c:after 20'])
  })
})
