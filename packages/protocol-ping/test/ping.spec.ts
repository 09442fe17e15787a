import { createNode } from '@libp2p/test-fixtures'
import { HandshakeStream } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { ping, PING_LENGTH_BYTES, PING_PROTOCOL } from '../src/index.js'
import type { Ping } from '../src/index.js'
import type { Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

interface Services extends Record<string, unknown> { ping: Ping }

function payload (fill: number): Uint8Array {
  return new Uint8Array(PING_LENGTH_BYTES).fill(fill)
}

describe('ping', () => {
  const nodes: Array<Libp2p<any>> = []
  const track = <T extends Libp2p<any>>(node: T): T => { nodes.push(node); return node }
  let a: Libp2p<Services>
  let b: Libp2p<Services>

  beforeEach(async () => {
    a = track(await createNode<Services>({ services: { ping: ping() } }))
    b = track(await createNode<Services>({ services: { ping: ping() } }))
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('measures the round trip to a multiaddr and to a peer id, over one connection', async () => {
    const first = await a.services.ping.ping(b.getMultiaddrs()[0])
    const second = await a.services.ping.ping(b.peerId)
    for (const ms of [first, second]) {
      expect(ms).to.be.a('number')
      expect(ms).to.be.at.least(0)
      expect(Number.isFinite(ms)).to.equal(true)
    }
    expect(a.getConnections(b.peerId)).to.have.lengthOf(1)
    // each ping's stream is closed when it returns
    expect(a.getConnections(b.peerId)[0].streams.filter(s => s.protocol === PING_PROTOCOL)).to.be.empty()
  })

  it('pings in both directions and many times in a row', async () => {
    await a.dial(b.getMultiaddrs()[0])
    for (let i = 0; i < 10; i++) {
      expect(await a.services.ping.ping(b.peerId)).to.be.a('number')
      expect(await b.services.ping.ping(a.peerId)).to.be.a('number')
    }
  })

  it('echoes several pings on one stream until EOF', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PING_PROTOCOL)
    const bytes = new HandshakeStream(stream)
    for (let i = 0; i < 5; i++) {
      await bytes.write(payload(i))
      expect((await bytes.read(PING_LENGTH_BYTES)).subarray()).to.deep.equal(payload(i))
    }
    const rest = bytes.unwrap()
    await rest.closeWrite()
    expect(await rest.read()).to.equal(null)
    await rest.close()
    expect(rest.status).to.equal('closed')
  })

  it('echoes payloads that arrive together or split across chunks', async () => {
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], PING_PROTOCOL)
    const two = new Uint8Array([...payload(1), ...payload(2)])
    stream.send(two)
    // the third payload in two pieces
    stream.send(payload(3).subarray(0, 5))
    stream.send(payload(3).subarray(5))
    await stream.closeWrite()
    const bytes = new HandshakeStream(stream)
    expect((await bytes.read(PING_LENGTH_BYTES * 3)).subarray()).to.deep.equal(new Uint8Array([...two, ...payload(3)]))
    expect(await bytes.unwrap().read()).to.equal(null)
  })

  it('rejects a wrong echo with ProtocolError', async () => {
    const liar = track(await createNode())
    await liar.handle(PING_PROTOCOL, async (stream) => {
      const bytes = new HandshakeStream(stream)
      const got = (await bytes.read(PING_LENGTH_BYTES)).subarray()
      got[0] ^= 0xff
      await bytes.write(got)
      await bytes.unwrap().close().catch(() => {})
    })
    await expect(a.services.ping.ping(liar.getMultiaddrs()[0])).to.eventually.be.rejected.with.property('name', 'ProtocolError')
    expect(a.getConnections(liar.peerId).map(c => c.status)).to.deep.equal(['open'])
  })

  it('rejects a short echo followed by EOF with InvalidMessageError', async () => {
    const liar = track(await createNode())
    await liar.handle(PING_PROTOCOL, async (stream) => {
      await new HandshakeStream(stream).read(PING_LENGTH_BYTES)
      stream.send(new Uint8Array(3))
      await stream.close().catch(() => {})
    })
    await expect(a.services.ping.ping(liar.getMultiaddrs()[0])).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('gives up after timeout with TimeoutError', async () => {
    const impatient = track(await createNode<Services>({ services: { ping: ping({ timeout: 200 }) } }))
    const silent = track(await createNode())
    await silent.handle(PING_PROTOCOL, async (stream: Stream) => {
      // reads and never answers; the read ends when the pinger gives up
      await new HandshakeStream(stream).read(PING_LENGTH_BYTES * 2).catch(() => {})
    })
    await expect(impatient.services.ping.ping(silent.getMultiaddrs()[0])).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(impatient.getConnections(silent.peerId).map(c => c.status)).to.deep.equal(['open'])
  })

  it('ends with the caller\'s signal', async () => {
    await expect(a.services.ping.ping(b.getMultiaddrs()[0], { signal: AbortSignal.abort() }))
      .to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('gives UnsupportedProtocolError when the peer does not speak ping', async () => {
    const other = track(await createNode())
    await expect(a.services.ping.ping(other.getMultiaddrs()[0])).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
  })

  it('aborts an inbound stream idle for idleTimeout', async () => {
    const strict = track(await createNode<Services>({ services: { ping: ping({ idleTimeout: 100 }) } }))
    const stream = await a.dialProtocol(strict.getMultiaddrs()[0], PING_PROTOCOL)
    const bytes = new HandshakeStream(stream)
    await bytes.write(payload(9))
    expect((await bytes.read(PING_LENGTH_BYTES)).subarray()).to.deep.equal(payload(9))
    // then say nothing: the listener resets the stream
    await expect(bytes.unwrap().read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })

  it('accepts maxInboundStreams (2) ping streams on one connection at once', async () => {
    const connection = await a.dial(b.getMultiaddrs()[0])
    const streams = [await connection.newStream(PING_PROTOCOL, { maxOutboundStreams: 3 }), await connection.newStream(PING_PROTOCOL, { maxOutboundStreams: 3 })]
    for (const [i, stream] of streams.entries()) {
      const bytes = new HandshakeStream(stream)
      await bytes.write(payload(i))
      expect((await bytes.read(PING_LENGTH_BYTES)).subarray()).to.deep.equal(payload(i))
      bytes.unwrap()
    }
    const third = new HandshakeStream(await connection.newStream(PING_PROTOCOL, { maxOutboundStreams: 3 }))
    await third.write(payload(3))
    await expect(third.read(PING_LENGTH_BYTES)).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    await Promise.all(streams.map(async s => s.close()))
  })

  it('refuses a second concurrent ping on one connection (maxOutboundStreams 1, LimitExceededError)', async () => {
    await a.dial(b.getMultiaddrs()[0])
    const results = await Promise.allSettled([a.services.ping.ping(b.peerId), a.services.ping.ping(b.peerId)])
    expect(results.map(r => r.status).sort()).to.deep.equal(['fulfilled', 'rejected'])
    expect(results.find(r => r.status === 'rejected')).to.have.nested.property('reason.name', 'LimitExceededError')
  })

  it('ping() on a stopped service gives NotStartedError', async () => {
    await a.stop()
    await expect(a.services.ping.ping(b.peerId)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
  })
})
