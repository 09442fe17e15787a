import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { WebSocket, WebSocketServer } from 'ws'
import { MAX_SEND_MESSAGE_BYTES } from '../src/constants.js'
import { createTransport, listening, nextEvent, openSockets, readAll, readError } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { MultiaddrConnection } from '@libp2p/interface'
import type { AddressInfo } from 'node:net'

const KiB = 1024
const MiB = 1024 * KiB

function pattern (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) { out[i] = (i * 31 + seed) & 0xff }
  return out
}

/** echo until EOF */
async function echo (maConn: MultiaddrConnection): Promise<void> {
  for await (const chunk of maConn) {
    if (!maConn.send(chunk)) { await maConn.onDrain() }
  }
}

/** whether `promise` settles within `turns` turns of the event loop */
async function settlesWithin (promise: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false
  void promise.then(() => { settled = true }, () => { settled = true })
  for (let i = 0; i < turns; i++) {
    if (settled) { return true }
    await new Promise(resolve => setImmediate(resolve))
  }
  return settled
}

async function sendAll (stream: MultiaddrConnection, chunks: Iterable<Uint8Array>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.send(chunk)) { await stream.onDrain() }
  }
}

async function readBytes (stream: MultiaddrConnection, bytes: number): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  while (all.byteLength < bytes) {
    const chunk = await stream.read()
    if (chunk == null) { break }
    all.append(chunk)
  }
  return all.subarray()
}

/** a bare `ws` server whose connections the test drives directly */
async function bareServer (): Promise<{ port: number, next(): Promise<WebSocket>, close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  await new Promise(resolve => wss.once('listening', resolve))
  const queue: WebSocket[] = []
  const waiting: Array<(ws: WebSocket) => void> = []
  wss.on('connection', (ws) => {
    ws.on('error', () => {})
    const w = waiting.shift()
    if (w != null) { w(ws) } else { queue.push(ws) }
  })
  return {
    port: (wss.address() as AddressInfo).port,
    async next () {
      const ws = queue.shift()
      return ws ?? new Promise(resolve => waiting.push(resolve))
    },
    async close () {
      for (const ws of wss.clients) { ws.terminate() }
      await new Promise(resolve => wss.close(resolve))
    }
  }
}

describe('WebSocket connection (MultiaddrConnection over ws)', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  describe('closing: what each side sees', () => {
    it('closeWrite(): the remote reads the data, then EOF, and its write side has ended too', async () => {
      h = await listening()
      const [out, inb] = await h.pair()
      out.send(Uint8Array.of(1, 2, 3))
      await out.closeWrite()
      expect(out.writeStatus).to.equal('closed')
      expect(() => out.send(Uint8Array.of(1))).to.throw().with.property('name', 'StreamStateError')

      expect(await readAll(inb)).to.deep.equal(Uint8Array.of(1, 2, 3))
      // no half-close in WebSocket: the remote answered our close frame, so it cannot write any more
      expect(inb.status).to.equal('closed')
      expect(inb.writeStatus).to.equal('closed')
      expect(() => inb.send(Uint8Array.of(1))).to.throw().with.property('name', 'StreamStateError')
      // and we see EOF once its answer arrives
      expect(await readAll(out)).to.deep.equal(new Uint8Array(0))
      expect(out.status).to.equal('closed')
    })

    it('closeWrite(): what the remote sent before it saw our close frame is still read', async () => {
      h = await listening()
      const [out, inb] = await h.pair()
      inb.send(Uint8Array.of(9, 9))
      await inb.onDrain()
      await out.closeWrite()
      expect(await readAll(out)).to.deep.equal(Uint8Array.of(9, 9))
      expect(out.status).to.equal('closed')
    })

    it('closeWrite(): bytes the remote had queued but not sent are lost, and its connection is aborted', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/ws', { writeHighWaterMark: 16 * KiB })
      const [out, inb] = await h.pair()
      // the remote fills its socket until the write buffer holds bytes ws has not taken
      const chunk = new Uint8Array(64 * KiB)
      while (inb.send(chunk)) { /* fill */ }
      expect(inb.writeBufferLength).to.be.greaterThan(0)
      const remoteClosed = nextEvent<CustomEvent<{ error?: Error }>>(inb, 'close')
      await out.closeWrite()
      await readAll(out) // we read what arrives until the remote's close frame
      expect((await remoteClosed).detail.error?.name).to.equal('StreamStateError')
      expect(inb.status).to.equal('aborted')
    })

    it('close() on both sides at once closes both cleanly and releases the sockets', async () => {
      h = await listening()
      const before = openSockets()
      const [out, inb] = await h.pair()
      out.send(Uint8Array.of(7))
      await Promise.all([out.close(), inb.close(), readAll(inb)])
      expect(out.status).to.equal('closed')
      expect(inb.status).to.equal('closed')
      await until(() => openSockets() === before, 'the sockets to close')
    })

    it('abort(): the remote sees StreamResetError from reads and sends', async () => {
      h = await listening()
      const [out, inb] = await h.pair()
      const closed = nextEvent<CustomEvent<{ error?: Error }>>(inb, 'close')
      const reading = inb.read()
      out.abort(new Error('bye'))
      expect(out.status).to.equal('aborted')
      await expect(reading).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      expect((await closed).detail.error?.name).to.equal('StreamResetError')
      expect(inb.status).to.equal('reset')
      expect(() => inb.send(Uint8Array.of(1))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'StreamResetError')
    })

    it('close() aborts with TimeoutError when the remote never answers the close frame', async () => {
      const server = await bareServer()
      try {
        const transport = createTransport({ socketCloseTimeout: 100 })
        const dialling = transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
        const remote = await server.next()
        const out = rawConnection(await dialling)
        // a remote that stops reading never sees (so never answers) our close frame
        remote.pause()
        await expect(out.close()).to.eventually.be.rejected.with.property('name', 'TimeoutError')
        expect(out.status).to.equal('aborted')
      } finally {
        await server.close()
      }
    })

    const cases = [[1000, 'closed'], [1005, 'closed'], [1001, 'reset'], [1011, 'reset'], [4000, 'reset']] as const
    cases.forEach(([code, status]) => {
      it(`a close frame with code ${code} from the remote ends the connection ${status}`, async () => {
        const server = await bareServer()
        try {
          const dialling = createTransport().dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
          const remote = await server.next()
          const out = rawConnection(await dialling)
          remote.send(Uint8Array.of(5))
          if (code === 1005) { remote.close() } else { remote.close(code) }
          const err = await readError(out)
          expect(out.status).to.equal(status)
          expect(err?.name).to.equal(status === 'closed' ? undefined : 'StreamResetError')
        } finally {
          await server.close()
        }
      })
    })
  })

  describe('data', () => {
    it('echoes on 16 connections at once (each dialer reads the echo before closing)', async () => {
      h = await listening()
      const { listener, transport, addr } = h
      const echoes: Array<Promise<void>> = []
      listener.addEventListener('connection', (evt) => { echoes.push(echo(rawConnection(evt.detail))) })
      const replies = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
        const maConn = rawConnection(await transport.dial(addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        const text = new TextEncoder().encode(`connection ${i}`)
        maConn.send(text)
        const reply = await readBytes(maConn, text.byteLength)
        await maConn.close()
        return new TextDecoder().decode(reply)
      }))
      expect(replies).to.deep.equal(Array.from({ length: 16 }, (_, i) => `connection ${i}`))
      await Promise.all(echoes)
    })

    const schemes = ['ws', 'wss']
    schemes.forEach((scheme) => {
      it(`${scheme}: moves 8 MiB each way at once intact; both close once they have everything`, async function () {
        this.timeout(60_000)
        h = await listening(`/ip4/127.0.0.1/tcp/0/${scheme}`)
        const [out, inb] = await h.pair()
        const sizes = [1, 7, 100, 3000, 65_536, 1, 1, 1, 200_000, 5000, 5000, 5000, 10, 1_000_000, MAX_SEND_MESSAGE_BYTES + 1]
        const chunks = (seed: number): Uint8Array[] => {
          const out: Uint8Array[] = []
          let total = 0
          for (let i = 0; total < 8 * MiB; i++) {
            const c = pattern(Math.min(sizes[i % sizes.length], 8 * MiB - total), seed + i)
            out.push(c)
            total += c.byteLength
          }
          return out
        }
        const a = chunks(1)
        const b = chunks(2)
        const [,, toListener, toDialer] = await Promise.all([
          sendAll(out, a), sendAll(inb, b), readBytes(inb, 8 * MiB), readBytes(out, 8 * MiB)
        ])
        expect(toListener).to.deep.equal(new Uint8ArrayList(...a).subarray())
        expect(toDialer).to.deep.equal(new Uint8ArrayList(...b).subarray())
        await Promise.all([out.close(), inb.close()])
        expect(out.status).to.equal('closed')
        expect(inb.status).to.equal('closed')
      })
    })

    it('delivers plain Uint8Arrays, not Buffers', async () => {
      h = await listening()
      const [out, inb] = await h.pair()
      out.send(Uint8Array.of(1, 2))
      const chunk = await inb.read()
      for (const buf of chunk ?? []) { expect(Object.getPrototypeOf(buf)).to.equal(Uint8Array.prototype) }
    })

    it('sends no message over MAX_SEND_MESSAGE_BYTES, and coalesces small sends into one message', async () => {
      const server = await bareServer()
      try {
        const dialling = createTransport().dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
        const remote = await server.next()
        const out = rawConnection(await dialling)
        const messages: number[] = []
        remote.on('message', (data: Buffer) => { messages.push(data.byteLength) })
        for (let i = 0; i < 10; i++) { out.send(Uint8Array.of(i)) }
        out.send(new Uint8Array(MAX_SEND_MESSAGE_BYTES * 2 + 1))
        await out.onDrain()
        await until(() => messages.reduce((a, b) => a + b, 0) === 10 + MAX_SEND_MESSAGE_BYTES * 2 + 1, 'every byte')
        expect(messages).to.deep.equal([10, MAX_SEND_MESSAGE_BYTES, MAX_SEND_MESSAGE_BYTES, 1])
        out.abort(new Error('done'))
      } finally {
        await server.close()
      }
    })

    it('applies back-pressure end to end: a receiver that does not read stops the sender, memory stays bounded', async () => {
      const readHighWaterMark = 256 * KiB
      const writeHighWaterMark = 64 * KiB
      h = await listening('/ip4/127.0.0.1/tcp/0/ws', { readHighWaterMark, writeHighWaterMark })
      const [out, inb] = await h.pair()
      const chunk = new Uint8Array(64 * KiB)
      let sent = 0
      let drain: Promise<void> | undefined
      // send, waiting for each drain, until a drain does not come while the receiver does not read
      while (drain == null) {
        sent += chunk.byteLength
        if (sent > 256 * MiB) { throw new Error('the sender was never held') }
        if (out.send(chunk)) { continue }
        const next = out.onDrain()
        if (!await settlesWithin(next, 200)) { drain = next }
      }
      // held: the receiver paused its socket with its read buffer near the limit, the sender's
      // buffer is at its high-water mark, and the rest sits in the kernel
      expect(inb.readBufferLength).to.be.greaterThan(readHighWaterMark)
      expect(inb.readBufferLength).to.be.at.most(readHighWaterMark + 2 * MiB)
      expect(out.writeBufferLength).to.be.at.most(writeHighWaterMark + chunk.byteLength)

      // reading resumes the socket; the sender drains
      const received = readBytes(inb, sent)
      await drain
      expect((await received).byteLength).to.equal(sent)
    })
  })
})
