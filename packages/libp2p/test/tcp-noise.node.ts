import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { expect } from 'aegir/chai'
import { createLibp2p } from '../src/index.js'
import { readAll } from './fixtures.js'
import type { Libp2p } from '../src/libp2p.js'

async function tcpNode (): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
}

describe('libp2p node over TCP + Noise + Yamux', () => {
  let nodes: Libp2p[] = []

  afterEach(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    nodes = []
  })

  it('dials over TCP, proves the peer with Noise and echoes 4 MiB', async () => {
    const a = await tcpNode()
    const b = await tcpNode()
    nodes.push(a, b)
    await b.handle('/echo/1.0.0', async (stream) => {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) { await stream.onDrain() }
      }
      await stream.closeWrite()
    })
    const payload = new Uint8Array(4 * 1024 * 1024).map((_, i) => i * 7)
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], '/echo/1.0.0')
    const [, echoed] = await Promise.all([
      (async () => {
        for (let i = 0; i < payload.byteLength; i += 65536) {
          if (!stream.send(payload.subarray(i, i + 65536))) { await stream.onDrain() }
        }
        await stream.closeWrite()
      })(),
      readAll(stream)
    ])
    expect(echoed).to.deep.equal(payload)
    const conn = a.getConnections(b.peerId)[0]
    expect(conn.encryption).to.equal('/noise')
    expect(conn.multiplexer).to.equal('/yamux/1.0.0')
    expect(conn.remotePeer.toString()).to.equal(b.peerId.toString())
  })

  it('keeps one PeerId object per remote peer across its connections, on both sides', async () => {
    const a = await tcpNode()
    const b = await tcpNode()
    nodes.push(a, b)
    const inboundOpened = new Promise<void>(resolve => {
      let opened = 0
      b.addEventListener('connection:open', () => { if (++opened === 2) { resolve() } })
    })
    const first = await a.dial(b.getMultiaddrs()[0])
    const second = await a.dial(b.getMultiaddrs()[0], { force: true })
    await inboundOpened
    expect(second).to.not.equal(first)
    expect(second.remotePeer).to.equal(first.remotePeer)
    expect(second.remotePeer.publicKey).to.not.equal(undefined)
    const inbound = b.getConnections(a.peerId)
    expect(inbound).to.have.length(2)
    expect(inbound[1].remotePeer).to.equal(inbound[0].remotePeer)
    expect(inbound[0].remotePeer.equals(a.peerId)).to.equal(true)
  })

  it('fails with UnexpectedPeerError when another peer answers the address', async () => {
    const a = await tcpNode()
    const b = await tcpNode()
    const c = await tcpNode()
    nodes.push(a, b, c)
    const wrong = b.getMultiaddrs()[0].decapsulateCode(421).encapsulate(`/p2p/${c.peerId.toString()}`)
    const err = await a.dial(wrong).catch(e => e)
    expect(err.name).to.equal('DialError')
    expect(err.errors[0].name).to.equal('UnexpectedPeerError')
  })
})
