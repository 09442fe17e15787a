import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { messageStreamPair } from '../src/stream-pair.js'
import type { StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

/** resolves with the next event of `type` */
async function next (target: EventTarget, type: string): Promise<Event> {
  return new Promise(resolve => { target.addEventListener(type, resolve, { once: true }) })
}

function bytes (...values: number[]): Uint8Array {
  return Uint8Array.from(values)
}

function flat (chunks: Array<Uint8Array | Uint8ArrayList>): Uint8Array {
  return new Uint8ArrayList(...chunks).subarray()
}

describe('AbstractMessageStream: js-libp2p 3 stream API', () => {
  it('delivers data as message events, then remoteCloseWrite and end', async () => {
    const [a, b] = messageStreamPair()
    const got: Array<Uint8Array | Uint8ArrayList> = []
    const events: string[] = []
    b.addEventListener('message', (evt: StreamMessageEvent) => { got.push(evt.data) })
    b.addEventListener('remoteCloseWrite', () => { events.push('remoteCloseWrite') })
    const ended = next(b, 'end').then(() => { events.push('end') })
    a.send(bytes(1, 2))
    a.send(bytes(3))
    await a.close()
    await ended
    expect(flat(got)).to.deep.equal(bytes(1, 2, 3))
    expect(events).to.deep.equal(['remoteCloseWrite', 'end'])
    expect(b.readableEnded).to.equal(true)
    // as in js-libp2p 3: an EOF that finds nothing buffered leaves readStatus alone
    expect(b.readStatus).to.equal('readable')
    expect(b.remoteWriteStatus).to.equal('closed')
    // and the stream's end closes it
    await b.close()
    expect(b.readStatus).to.equal('closed')
  })

  it('delivers what arrived before the first message listener once it is attached', async () => {
    const [a, b] = messageStreamPair()
    a.send(bytes(9, 8))
    await Promise.resolve()
    expect(b.readBufferLength).to.equal(2)
    const message = next(b, 'message') as Promise<StreamMessageEvent>
    b.addEventListener('message', () => {})
    expect(flat([(await message).data])).to.deep.equal(bytes(9, 8))
    expect(b.readBufferLength).to.equal(0)
  })

  it('pause() holds data back and applies back-pressure; resume() delivers it all', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 4096 })
    const got: Array<Uint8Array | Uint8ArrayList> = []
    b.addEventListener('message', (evt: StreamMessageEvent) => { got.push(evt.data) })
    b.pause()
    expect(b.readStatus).to.equal('paused')
    const payload = new Uint8Array(256 * 1024).map((_, i) => i % 251)
    let accepted = 0
    for (let i = 0; i < payload.byteLength; i += 1024) {
      accepted += 1024
      if (!a.send(payload.subarray(i, i + 1024))) { break }
    }
    await Promise.resolve()
    expect(got).to.have.length(0)
    expect(a.writableNeedsDrain).to.equal(true)
    expect(b.readBufferLength).to.be.at.most(4096 + 64 * 1024)
    const ended = next(b, 'end')
    b.resume()
    await a.onDrain()
    a.send(payload.subarray(accepted))
    await a.close()
    await ended
    expect(flat(got)).to.deep.equal(payload)
  })

  it('push() and unshift() queue bytes for delivery in order', async () => {
    const [, b] = messageStreamPair()
    b.push(bytes(2))
    b.unshift(bytes(1))
    b.push(bytes(3))
    expect(b.readBufferLength).to.equal(3)
    const message = next(b, 'message') as Promise<StreamMessageEvent>
    b.addEventListener('message', () => {})
    expect(flat([(await message).data])).to.deep.equal(bytes(1, 2, 3))
  })

  it('after close() the read side stays readable until the remote\'s data is read', async () => {
    const [a, b] = messageStreamPair()
    await a.close()
    b.send(bytes(5))
    await b.close()
    await Promise.resolve()
    expect(a.readStatus).to.equal('readable')
    expect(a.status).to.equal('closed')
    expect((await a.read())?.subarray()).to.deep.equal(bytes(5))
    expect(a.readStatus).to.equal('closed')
    expect(await a.read()).to.equal(null)
  })

  it('closeRead() then close() ends cleanly: the remote reads EOF, not a reset', async () => {
    const [a, b] = messageStreamPair()
    await a.closeRead()
    await a.close()
    expect(await b.read()).to.equal(null)
    b.send(bytes(1))
    await b.close()
    expect(a.status).to.equal('closed')
    expect(b.status).to.equal('closed')
  })

  it('abort() dispatches a close event with the error and local: true; the remote sees a reset', async () => {
    const [a, b] = messageStreamPair()
    const local = next(a, 'close') as Promise<StreamCloseEvent>
    const remote = next(b, 'close') as Promise<StreamCloseEvent>
    a.abort(new Error('stop'))
    const l = await local
    const r = await remote
    expect(l.error).to.have.property('message', 'stop')
    expect(l.local).to.equal(true)
    expect(r.error).to.have.property('name', 'StreamResetError')
    expect(r.local).to.equal(false)
    expect(b.status).to.equal('reset')
  })

  it('a clean close dispatches a close event without an error', async () => {
    const [a, b] = messageStreamPair()
    const closed = next(a, 'close') as Promise<StreamCloseEvent>
    await a.close()
    await b.close()
    const evt = await closed
    expect(evt.error).to.equal(undefined)
    expect(a.timeline.close).to.be.a('number')
  })

  it('emits idle when the write buffer empties and drain after a false send', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 1024, writeHighWaterMark: 2048, writeLowWaterMark: 512 })
    const idle = next(a, 'idle')
    // the first send goes through and pauses the reader; the second stays in the write buffer
    a.send(new Uint8Array(8192))
    expect(a.send(new Uint8Array(8192))).to.equal(false)
    expect(a.writableNeedsDrain).to.equal(true)
    const drain = next(a, 'drain')
    await b.read()
    await drain
    await idle
    expect(a.writeBufferLength).to.equal(0)
  })

  it('maxReadBufferLength is js-libp2p\'s hard cap: past it the stream is aborted with StreamBufferError', async () => {
    const [, b] = messageStreamPair()
    b.maxReadBufferLength = 4
    b.push(bytes(1, 2, 3, 4, 5))
    expect(b.status).to.equal('aborted')
    await expect(b.read()).to.eventually.be.rejected.with.property('name', 'StreamBufferError')
  })

  it('pause() and push() after the read side closed throw StreamStateError', async () => {
    const [, b] = messageStreamPair()
    await b.closeRead()
    expect(() => { b.pause() }).to.throw().with.property('name', 'StreamStateError')
    expect(() => { b.push(bytes(1)) }).to.throw().with.property('name', 'StreamStateError')
  })

  it('closeWrite() is close() on a stream', async () => {
    const [a, b] = messageStreamPair()
    await a.closeWrite()
    expect(a.writeStatus).to.equal('closed')
    expect(await b.read()).to.equal(null)
  })
})

describe('AbstractMessageStream expectReply (optimistic handshakes)', () => {
  it('takes the reply off the front and delivers the rest', async () => {
    const [a, b] = messageStreamPair()
    const taken = a.expectReply(buffer => buffer.byteLength >= 2 ? 2 : undefined, () => new Error('eof'))
    b.send(bytes(1))
    await Promise.resolve()
    expect(a.readBufferLength).to.equal(0)
    b.send(bytes(2, 3, 4))
    await taken
    expect((await a.read())?.subarray()).to.deep.equal(bytes(3, 4))
  })

  it('takes bytes that arrived before the call into the reply (a listener that sends its header first)', async () => {
    const [a, b] = messageStreamPair()
    b.send(bytes(1))
    await Promise.resolve()
    expect(a.readBufferLength).to.equal(1)
    const taken = a.expectReply(buffer => buffer.byteLength >= 2 ? 2 : undefined, () => new Error('eof'))
    expect(a.readBufferLength).to.equal(0)
    b.send(bytes(2, 3))
    await taken
    expect((await a.read())?.subarray()).to.deep.equal(bytes(3))
  })

  it('a refused reply aborts the stream with the parser\'s error, and close() reports it', async () => {
    const [a, b] = messageStreamPair()
    const taken = a.expectReply(() => { throw new Error('refused') }, () => new Error('eof'))
    b.send(bytes(1))
    await expect(taken).to.eventually.be.rejected.with.property('message', 'refused')
    await expect(a.close()).to.eventually.be.rejected.with.property('message', 'refused')
    expect(b.status).to.equal('reset')
  })

  it('holds the EOF of close() until the reply came, and fails on an EOF before it', async () => {
    const [a, b] = messageStreamPair()
    void a.expectReply(buffer => buffer.byteLength >= 1 ? 1 : undefined, () => new Error('eof')).catch(() => {})
    let closed = false
    const closing = a.close().then(() => { closed = true })
    await Promise.resolve()
    expect(closed).to.equal(false)
    b.send(bytes(0))
    await closing
    expect(await b.read()).to.equal(null)

    const [c, d] = messageStreamPair()
    const taken = c.expectReply(() => undefined, () => new Error('eof'))
    await d.close()
    await expect(taken).to.eventually.be.rejected.with.property('message', 'eof')
  })
})
