import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { messageStreamPair } from '../src/stream-pair.js'

async function readAll (stream: AsyncIterable<Uint8ArrayList>): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  for await (const chunk of stream) { all.append(chunk) }
  return all.subarray()
}

describe('AbstractMessageStream (through an in-memory pair)', () => {
  it('coalesces small sends of one tick into one delivery', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(1))
    a.send(Uint8Array.of(2))
    a.send(Uint8Array.of(3))
    expect(b.readBufferLength).to.equal(0) // not yet flushed: one microtask later
    const chunk = await b.read()
    expect(chunk?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
  })

  it('half-closes: the reader sees EOF, the other direction still works', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(1, 2))
    await a.closeWrite()
    expect(a.writeStatus).to.equal('closed')
    expect(await readAll(b)).to.deep.equal(Uint8Array.of(1, 2))
    expect(b.remoteWriteStatus).to.equal('closed')
    b.send(Uint8Array.of(9))
    await b.closeWrite()
    expect(await readAll(a)).to.deep.equal(Uint8Array.of(9))
    expect(a.status).to.equal('closed')
    expect(b.status).to.equal('closed')
  })

  it('applies back-pressure: a blocked sender really waits, and every onDrain() waits for a new drain', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 1024, writeHighWaterMark: 4096, writeLowWaterMark: 1024 })
    const chunk = new Uint8Array(1024)
    let sends = 0
    while (a.send(chunk)) { sends++ }
    // the reader holds 1 KiB before it pauses the writer, the writer buffers to its high-water mark
    expect(sends).to.be.lessThan(8)
    expect(a.writeBufferLength).to.be.greaterThanOrEqual(4096)
    let drained = false
    const drain = a.onDrain().then(() => { drained = true })
    await Promise.resolve()
    expect(drained).to.equal(false)
    let received = 0
    while (!drained) { // eslint-disable-line no-unmodified-loop-condition -- set by the drain promise
      const c = await b.read()
      received += c?.byteLength ?? 0
      await Promise.resolve()
    }
    await drain
    expect(received).to.be.greaterThan(0)
    // a second wait after another false send() must wait again (unlike a latched promise)
    while (a.send(chunk)) { /* fill again */ }
    let drainedAgain = false
    const again = a.onDrain().then(() => { drainedAgain = true })
    await Promise.resolve()
    expect(drainedAgain).to.equal(false)
    void readAll(b)
    await again
    expect(drainedAgain).to.equal(true)
  })

  it('accepts one send larger than maxWriteBufferSize into an empty buffer', async () => {
    const [a, b] = messageStreamPair({ maxWriteBufferSize: 256, writeHighWaterMark: 128, writeLowWaterMark: 64 })
    expect(() => a.send(new Uint8Array(1024))).to.not.throw()
    expect((await b.read())?.byteLength).to.equal(1024)
  })

  it('refuses to buffer past maxWriteBufferSize', () => {
    const [a] = messageStreamPair({ readHighWaterMark: 16, writeHighWaterMark: 64, maxWriteBufferSize: 256 })
    expect(() => { for (let i = 0; i < 100; i++) { a.send(new Uint8Array(64)) } }).to.throw().with.property('name', 'LimitExceededError')
  })

  it('abort resets the remote: its reads fail with StreamResetError', async () => {
    const [a, b] = messageStreamPair()
    const reading = b.read()
    a.abort(new Error('boom'))
    expect(a.status).to.equal('aborted')
    await expect(reading).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    expect(b.status).to.equal('reset')
    // js-libp2p 3 throws StreamStateError from send() on an ended stream; the cause is the reset
    expect(() => b.send(Uint8Array.of(1))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'StreamResetError')
  })

  it('emits close once with the error', async () => {
    const [a, b] = messageStreamPair()
    const events: Array<Error | undefined> = []
    b.addEventListener('close', (evt) => { events.push(evt.detail.error) })
    a.abort(new Error('x'))
    expect(events).to.have.length(1)
    expect(events[0]?.name).to.equal('StreamResetError')
  })

  it('close() half-closes: it resolves once flushed, and the stream is closed when the remote closes too', async () => {
    const [a, b] = messageStreamPair()
    await a.close()
    expect(a.writeStatus).to.equal('closed')
    expect(a.status).to.equal('open')
    expect(await b.read()).to.equal(null)
    b.send(Uint8Array.of(7))
    await b.close()
    expect((await a.read())?.subarray()).to.deep.equal(Uint8Array.of(7))
    expect(await a.read()).to.equal(null)
    expect(a.status).to.equal('closed')
    expect(b.status).to.equal('closed')
  })

  it('close() with a signal: the signal ends the caller\'s wait, not the close (js-libp2p 3)', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 1024 })
    // the first send goes through and pauses the reader; the second stays in the write buffer
    a.send(new Uint8Array(64 * 1024))
    a.send(new Uint8Array(64 * 1024))
    await expect(a.close({ signal: AbortSignal.timeout(10) })).to.eventually.be.rejected()
    expect(a.writeStatus).to.equal('closing')
    expect(a.status).to.equal('open')
    // the close goes on: once the reader reads, the rest is flushed and the EOF follows
    let received = 0
    for await (const chunk of b) { received += chunk.byteLength }
    expect(received).to.equal(128 * 1024)
    expect(a.writeStatus).to.equal('closed')
  })

  it('closeRead drops buffered and later data', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(1))
    await Promise.resolve()
    await b.closeRead()
    expect(b.readBufferLength).to.equal(0)
    a.send(Uint8Array.of(2))
    expect(await b.read()).to.equal(null)
  })

  it('unshift puts bytes back in front', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(2, 3))
    const got = await b.read()
    expect(got?.subarray()).to.deep.equal(Uint8Array.of(2, 3))
    b.unshift(Uint8Array.of(1))
    b.unshift(got ?? new Uint8Array())
    await a.closeWrite()
    expect(await readAll(b)).to.deep.equal(Uint8Array.of(2, 3, 1))
  })

  it('works as an it-pipe duplex: sink sends everything and closes the write side', async () => {
    const [a, b] = messageStreamPair()
    const input = [Uint8Array.of(1), new Uint8ArrayList(Uint8Array.of(2), Uint8Array.of(3))]
    const [, received] = await Promise.all([a.sink(input), readAll(b.source)])
    expect(received).to.deep.equal(Uint8Array.of(1, 2, 3))
    expect(a.writeStatus).to.equal('closed')
  })

  it('leaving a for-await loop early does not close the stream', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(1))
    for await (const chunk of b) { // eslint-disable-line no-unreachable-loop -- leaving early is the point
      expect(chunk.byteLength).to.equal(1)
      break
    }
    expect(b.status).to.equal('open')
    a.send(Uint8Array.of(2))
    expect((await b.read())?.subarray()).to.deep.equal(Uint8Array.of(2))
  })
})

describe('AbstractMessageStream accounting', () => {
  it('credits bytes put back with unshift() only once', async () => {
    const [a, b] = messageStreamPair()
    const consumed: number[] = []
    const original = (b as any).onConsumed.bind(b)
    ;(b as any).onConsumed = (n: number) => { consumed.push(n); original(n) }
    a.send(new Uint8Array(10))
    const chunk = await b.read()
    expect(chunk?.byteLength).to.equal(10)
    b.unshift(chunk?.sublist(4) ?? new Uint8Array())
    a.send(new Uint8Array(5))
    await Promise.resolve()
    const rest = await b.read()
    expect(rest?.byteLength).to.equal(11)
    expect(consumed.reduce((x, y) => x + y, 0)).to.equal(15)
  })

  it('fires drain after a false send() even when nobody awaits onDrain()', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 16, writeHighWaterMark: 64, writeLowWaterMark: 16 })
    while (a.send(new Uint8Array(32))) { /* fill */ }
    const drained = new Promise<void>(resolve => { a.addEventListener('drain', () => { resolve() }, { once: true }) })
    void readAll(b)
    await drained
    expect(a.writeBufferLength).to.be.at.most(16)
  })

  it('close() reports a reset as a reset, not as a timeout', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 1024 })
    // the first send goes through and pauses the reader; the second stays in the write buffer
    a.send(new Uint8Array(64 * 1024))
    a.send(new Uint8Array(64 * 1024))
    const closing = a.close()
    b.abort(new Error('no'))
    await expect(closing).to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })
})
