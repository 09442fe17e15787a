import { Socket } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS } from '../src/constants.js'
import { listening, nextEvent, openSockets, readAll } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { MessageStream } from '@libp2p/interface'

const KiB = 1024

/** whether the stream drains within `turns` turns of the event loop (it may still drain later) */
async function drainsWithin (stream: MessageStream, turns: number): Promise<boolean> {
  const waitTurns = async (): Promise<boolean> => {
    for (let i = 0; i < turns; i++) { await new Promise(resolve => setImmediate(resolve)) }
    return false
  }
  const drained = stream.onDrain().then(() => true)
  drained.catch(() => {}) // an error after the race shows in the test's next steps
  return Promise.race([drained, waitTurns()])
}

function pattern (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) { out[i] = (i * 31 + seed) & 0xff }
  return out
}

describe('TCP connection (MultiaddrConnection over a socket)', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('sets TCP_NODELAY and keep-alive on both ends', async () => {
    const noDelay: Array<boolean | undefined> = []
    const keepAlive: Array<[boolean | undefined, number | undefined]> = []
    const { setNoDelay, setKeepAlive } = Socket.prototype
    Socket.prototype.setNoDelay = function (this: Socket, v?: boolean) { noDelay.push(v); return setNoDelay.call(this, v) }
    Socket.prototype.setKeepAlive = function (this: Socket, e?: boolean, d?: number) { keepAlive.push([e, d]); return setKeepAlive.call(this, e, d) }
    try {
      h = await listening()
      await h.pair()
    } finally {
      Socket.prototype.setNoDelay = setNoDelay
      Socket.prototype.setKeepAlive = setKeepAlive
    }
    expect(noDelay).to.deep.equal([true, true])
    expect(keepAlive).to.deep.equal([[true, DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS], [true, DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS]])
  })

  it('applies dialOpts to outbound sockets and listenOpts to inbound ones', async () => {
    const calls: string[] = []
    const { setNoDelay, setKeepAlive } = Socket.prototype
    // the listener's port tells the ends apart: it is the outbound socket's remote port, the inbound one's local port
    let port = -1
    const side = (s: Socket): string => {
      if (s.remotePort === port) { return 'out' }
      return s.localPort === port ? 'in' : '?'
    }
    Socket.prototype.setNoDelay = function (this: Socket, v?: boolean) { calls.push(`${side(this)} noDelay ${String(v)}`); return setNoDelay.call(this, v) }
    Socket.prototype.setKeepAlive = function (this: Socket, e?: boolean, d?: number) { calls.push(`${side(this)} keepAlive ${String(e)} ${String(d)}`); return setKeepAlive.call(this, e, d) }
    try {
      h = await listening('/ip4/127.0.0.1/tcp/0', {
        dialOpts: { noDelay: false, keepAliveInitialDelay: 1_000 },
        listenOpts: { keepAlive: false }
      })
      port = Number(h.addr.getComponents()[1].value)
      await h.pair()
    } finally {
      Socket.prototype.setNoDelay = setNoDelay
      Socket.prototype.setKeepAlive = setKeepAlive
    }
    expect(calls.sort()).to.deep.equal(['in noDelay true', 'out keepAlive true 1000', 'out noDelay false'])
  })

  it('half-closes in both directions', async () => {
    h = await listening()
    const [out, inb] = await h.pair()
    out.maConn.send(Uint8Array.of(1))
    await out.maConn.closeWrite()
    expect(out.maConn.writeStatus).to.equal('closed')
    expect(await readAll(inb.maConn)).to.deep.equal(Uint8Array.of(1))
    expect(inb.maConn.remoteWriteStatus).to.equal('closed')
    // the other direction still works after the first half-close
    inb.maConn.send(Uint8Array.of(2, 3))
    expect((await out.maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(2, 3))
    expect(out.maConn.status).to.equal('open')
    const closed = nextEvent<CustomEvent<{ error?: Error }>>(out.maConn, 'close')
    await inb.maConn.closeWrite()
    expect(await out.maConn.read()).to.equal(null)
    expect((await closed).detail.error).to.equal(undefined)
    expect(out.maConn.status).to.equal('closed')
    expect(inb.maConn.status).to.equal('closed')
  })

  it('close() on both sides closes gracefully and releases the sockets', async () => {
    h = await listening()
    const before = openSockets()
    const [out, inb] = await h.pair()
    expect(openSockets()).to.equal(before + 2)
    out.maConn.send(Uint8Array.of(7))
    await Promise.all([out.maConn.close(), inb.maConn.close(), readAll(inb.maConn)])
    expect(out.maConn.status).to.equal('closed')
    expect(inb.maConn.status).to.equal('closed')
    await until(() => openSockets() === before, 'the sockets to close')
  })

  it('close() resets the socket when the remote never closes its side', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { socketCloseTimeout: 50 })
    const [out, inb] = await h.pair()
    const remoteClosed = nextEvent<CustomEvent<{ error?: Error }>>(inb.maConn, 'close')
    await expect(out.maConn.close()).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(out.maConn.status).to.equal('aborted')
    // the remote saw our FIN (EOF); having stopped reading, it learns of the reset when it writes
    expect(await readAll(inb.maConn)).to.deep.equal(new Uint8Array(0))
    inb.maConn.send(Uint8Array.of(1))
    expect((await remoteClosed).detail.error?.name).to.equal('StreamResetError')
    expect(inb.maConn.status).to.equal('reset')
  })

  it('abort() resets: the remote sees StreamResetError', async () => {
    h = await listening()
    const [out, inb] = await h.pair()
    const closed = nextEvent<CustomEvent<{ error?: Error }>>(inb.maConn, 'close')
    const reading = inb.maConn.read()
    out.abort(new Error('bye'))
    expect(out.maConn.status).to.equal('aborted')
    await expect(reading).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    expect((await closed).detail.error?.name).to.equal('StreamResetError')
    expect(inb.maConn.status).to.equal('reset')
    expect(() => inb.maConn.send(Uint8Array.of(1))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'StreamResetError')
  })

  it('carries many writes of mixed sizes intact (copied, corked and single-chunk paths)', async () => {
    h = await listening()
    const [out, inb] = await h.pair()
    const sent = new Uint8ArrayList()
    const sizes = [1, 7, 100, 3000, 65_536, 1, 1, 1, 200_000, 5000, 5000, 5000, 10, 1_000_000]
    const received = readAll(inb.maConn)
    let seed = 0
    for (let round = 0; round < 4; round++) {
      for (const size of sizes) {
        const chunk = pattern(size, seed++)
        sent.append(chunk)
        if (!out.maConn.send(chunk)) { await out.maConn.onDrain() }
      }
      // several sends in one tick are coalesced into one write
      for (let i = 0; i < 50; i++) {
        const chunk = pattern(i * 97, seed++)
        sent.append(chunk)
        out.maConn.send(chunk)
      }
      await out.maConn.onDrain()
    }
    await out.maConn.closeWrite()
    const got = await received
    expect(got.byteLength).to.equal(sent.byteLength)
    expect(got).to.deep.equal(sent.subarray())
  })

  it('delivers plain Uint8Arrays, not Buffers', async () => {
    h = await listening()
    const [out, inb] = await h.pair()
    out.maConn.send(Uint8Array.of(1, 2))
    const chunk = await inb.maConn.read()
    for (const buf of chunk ?? []) { expect(Object.getPrototypeOf(buf)).to.equal(Uint8Array.prototype) }
    out.abort(new Error('done'))
  })

  it('applies back-pressure end to end: a receiver that does not read stops the sender, memory stays bounded', async () => {
    const readHighWaterMark = 256 * KiB
    const writeHighWaterMark = 64 * KiB
    h = await listening('/ip4/127.0.0.1/tcp/0', { readHighWaterMark, writeHighWaterMark })
    const [out, inb] = await h.pair()
    const chunk = new Uint8Array(64 * KiB)
    let sent = 0
    // synchronous: the receiver's event loop does not run, the kernel buffers fill up
    while (out.maConn.send(chunk)) {
      sent += chunk.byteLength
      if (sent > 1024 * 1024 * 1024) { throw new Error('send() never returned false') }
    }
    sent += chunk.byteLength
    expect(out.maConn.writeBufferLength).to.be.at.most(writeHighWaterMark + chunk.byteLength)

    // let the receiver take what the kernel holds until its read buffer pauses the socket
    await until(() => inb.maConn.readBufferLength > readHighWaterMark, 'the receiver to pause')
    const sentWhenPaused = sent
    // What the receiver took out of the kernel makes room there, and the kernel may grow its
    // buffers (autotuning), so the sender can drain a few more times after the pause: refill it
    // each time until it stays stopped. The kernel's buffers are bounded (tcp_wmem / tcp_rmem
    // maxima, 4 + 32 MiB by default on Linux) and the paused receiver takes nothing more, so a
    // sender that keeps draining past that means the receiver did not stop reading.
    while (await drainsWithin(out.maConn, 200)) {
      expect(inb.maConn.readBufferLength).to.be.at.most(readHighWaterMark + 128 * KiB)
      expect(sent - sentWhenPaused, 'bytes the sender got out after the receiver paused').to.be.below(64 * 1024 * KiB)
      while (out.maConn.send(chunk)) { sent += chunk.byteLength }
      sent += chunk.byteLength
      expect(out.maConn.writeBufferLength).to.be.at.most(writeHighWaterMark + chunk.byteLength)
    }
    expect(inb.maConn.readBufferLength).to.be.at.most(readHighWaterMark + 128 * KiB)
    expect(out.maConn.writeBufferLength).to.be.at.most(writeHighWaterMark + chunk.byteLength)
    const drain = out.maConn.onDrain()

    // reading resumes the socket; the sender drains
    const received = readAll(inb.maConn)
    await drain
    await out.maConn.closeWrite()
    expect((await received).byteLength).to.equal(sent)
  })

  it('aborts an idle socket with TimeoutError after the inactivity timeout', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { inboundSocketInactivityTimeout: 50 })
    const [out, inb] = await h.pair()
    const evt = await nextEvent<CustomEvent<{ error?: Error }>>(inb.maConn, 'close')
    expect(evt.detail.error?.name).to.equal('TimeoutError')
    expect(inb.maConn.status).to.equal('aborted')
    await expect(out.maConn.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })

  it('activity keeps the inactivity timer from firing', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { inboundSocketInactivityTimeout: 200 })
    const [out, inb] = await h.pair()
    const start = Date.now()
    // ping-pong for longer than the timeout
    while (Date.now() - start < 500) {
      out.maConn.send(Uint8Array.of(1))
      await inb.maConn.read()
    }
    expect(inb.maConn.status).to.equal('open')
    out.abort(new Error('done'))
  })

  it('survives the remote resetting mid-stream', async () => {
    h = await listening()
    const [out, inb] = await h.pair()
    out.maConn.send(new Uint8Array(100 * KiB))
    await inb.maConn.read()
    inb.abort(new Error('gone'))
    // the sender may still be writing; it sees a reset or EPIPE, never an uncaught error
    const evt = await nextEvent<CustomEvent<{ error?: Error }>>(out.maConn, 'close')
    expect(evt.detail.error?.name).to.equal('StreamResetError')
    expect(() => out.maConn.send(Uint8Array.of(1))).to.throw()
  })
})
