import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { memoryNode, readAll } from './fixtures.js'
import type { Libp2p } from '../src/libp2p.js'
import type { PeerId } from '@libp2p/interface'

const ECHO = '/echo/1.0.0'

describe('libp2p node over memory + plaintext + yamux', () => {
  let nodes: Libp2p[] = []

  afterEach(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    nodes = []
  })

  async function pair (): Promise<[Libp2p, Libp2p]> {
    const a = await memoryNode()
    const b = await memoryNode()
    nodes.push(a, b)
    await b.handle(ECHO, async (stream) => {
      for await (const chunk of stream) { stream.send(chunk) }
      await stream.closeWrite()
    }, { maxInboundStreams: 64 })
    return [a, b]
  }

  it('starts, listens and announces its addresses with /p2p', async () => {
    const [a] = await pair()
    expect(a.status).to.equal('started')
    const addrs = a.getMultiaddrs().map(String)
    expect(addrs).to.have.length(1)
    expect(addrs[0]).to.match(/^\/memory\/.+\/p2p\/12D3KooW/)
  })

  it('stores its addresses in its own peer store record when it starts listening', async () => {
    const [, b] = await pair()
    const self = await b.peerStore.get(b.peerId)
    expect(self.addresses.map(x => x.multiaddr.toString())).to.deep.equal(b.getMultiaddrs().map(String))
    expect(self.protocols).to.include(ECHO)
  })

  it('refuses a stream over maxOutboundStreams before the remote sees it', async () => {
    const [a, b] = await pair()
    const conn = await a.dial(b.getMultiaddrs()[0])
    await conn.newStream(ECHO, { maxOutboundStreams: 1 })
    const before = conn.streams.length
    await expect(conn.newStream(ECHO, { maxOutboundStreams: 1 })).to.eventually.be.rejected.with.property('name', 'LimitExceededError')
    expect(conn.streams.length).to.equal(before)
  })

  it('dials, opens a protocol stream and echoes', async () => {
    const [a, b] = await pair()
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], ECHO)
    expect(stream.protocol).to.equal(ECHO)
    stream.send(Uint8Array.of(1, 2, 3))
    await stream.closeWrite()
    expect(await readAll(stream)).to.deep.equal(Uint8Array.of(1, 2, 3))
    expect(a.getPeers().map(String)).to.deep.equal([b.peerId.toString()])
    expect(a.getConnections(b.peerId)).to.have.length(1)
    const conn = a.getConnections(b.peerId)[0]
    expect(conn.encryption).to.equal('/plaintext/2.0.0')
    expect(conn.multiplexer).to.equal('/yamux/1.0.0')
  })

  it('reuses the open connection for a second dial', async () => {
    const [a, b] = await pair()
    const c1 = await a.dial(b.getMultiaddrs()[0])
    const c2 = await a.dial(b.peerId)
    expect(c2).to.equal(c1)
    const c3 = await a.dial(b.getMultiaddrs()[0])
    expect(c3).to.equal(c1)
  })

  it('emits peer:connect and peer:disconnect once per peer', async () => {
    const [a, b] = await pair()
    const connected: PeerId[] = []
    const disconnected = new Promise<PeerId>(resolve => {
      a.addEventListener('peer:disconnect', (evt) => { resolve(evt.detail) })
    })
    a.addEventListener('peer:connect', (evt) => { connected.push(evt.detail) })
    await a.dial(b.getMultiaddrs()[0])
    expect(connected.map(String)).to.deep.equal([b.peerId.toString()])
    await a.hangUp(b.peerId)
    expect((await disconnected).toString()).to.equal(b.peerId.toString())
    expect(a.getConnections()).to.have.length(0)
  })

  it('refuses an unknown protocol with UnsupportedProtocolError', async () => {
    const [a, b] = await pair()
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], '/nope/1.0.0', { negotiateFully: true }).catch(err => err)
    expect(stream).to.have.property('name', 'UnsupportedProtocolError')
  })

  it('refuses to dial itself', async () => {
    const [a] = await pair()
    await expect(a.dial(a.peerId)).to.eventually.be.rejected.with.property('name', 'DialToSelfError')
  })

  it('refuses a second handler for a protocol unless forced', async () => {
    const [, b] = await pair()
    await expect(b.handle(ECHO, () => {})).to.eventually.be.rejected.with.property('name', 'DuplicateProtocolHandlerError')
    await b.handle(ECHO, () => {}, { force: true })
    expect(b.getProtocols()).to.include(ECHO)
  })

  it('enforces maxInboundStreams per connection', async () => {
    const [a, b] = await pair()
    const held: Array<() => void> = []
    await b.handle('/hold/1.0.0', async (stream) => {
      await new Promise<void>(resolve => { held.push(resolve) })
      await stream.close()
    }, { maxInboundStreams: 1 })
    const first = await a.dialProtocol(b.getMultiaddrs()[0], '/hold/1.0.0', { negotiateFully: true })
    const second = await a.dialProtocol(b.peerId, '/hold/1.0.0', { negotiateFully: true })
    // the second stream is reset by the remote: reading it fails
    await expect(second.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    expect(first.status).to.equal('open')
    held.forEach(r => { r() })
  })

  it('enforces maxOutboundStreams per connection', async () => {
    const [a, b] = await pair()
    await a.dialProtocol(b.getMultiaddrs()[0], ECHO, { maxOutboundStreams: 1 })
    await expect(a.dialProtocol(b.peerId, ECHO, { maxOutboundStreams: 1 })).to.eventually.be.rejected.with.property('name', 'LimitExceededError')
  })

  it('lets the connection gater refuse a dial', async () => {
    const a = await memoryNode({ connectionGater: { denyDialMultiaddr: () => true } })
    const b = await memoryNode()
    nodes.push(a, b)
    await expect(a.dial(b.getMultiaddrs()[0])).to.eventually.be.rejected.with.property('name', 'NoValidAddressesError')
  })

  it('asks the connection gater about an outbound connection to the dialled peer before any handshake (denyOutboundConnection)', async () => {
    const asked: string[] = []
    const b = await memoryNode()
    const a = await memoryNode({
      connectionGater: {
        denyOutboundConnection: (peer, maConn) => {
          asked.push(`${peer.toString()} ${maConn.remoteAddr.toString()}`)
          return peer.equals(b.peerId)
        }
      }
    })
    nodes.push(a, b)
    const err = await a.dial(b.getMultiaddrs()[0]).then(() => undefined, (e: any) => e)
    expect(err).to.have.property('name', 'DialError')
    expect(err.errors.map((e: Error) => e.name)).to.deep.equal(['ConnectionDeniedError'])
    expect(asked).to.deep.equal([`${b.peerId.toString()} ${b.getMultiaddrs()[0].toString()}`])
    expect(a.getConnections()).to.have.length(0)
    expect(b.getConnections()).to.have.length(0)
  })

  it('stores only the addresses the connection gater\'s filterMultiaddrForPeer keeps', async () => {
    const b = await memoryNode()
    const a = await memoryNode({ connectionGater: { filterMultiaddrForPeer: (_peer, ma) => !ma.toString().includes('/tcp/') } })
    nodes.push(a, b)
    await a.peerStore.merge(b.peerId, { multiaddrs: [...b.getMultiaddrs(), multiaddr('/ip4/127.0.0.1/tcp/1')] })
    expect((await a.peerStore.get(b.peerId)).addresses.map(x => x.multiaddr.toString())).to.deep.equal(b.getMultiaddrs().map(String))
  })

  it('lets the connection gater refuse an inbound connection after encryption', async () => {
    const a = await memoryNode()
    const b = await memoryNode({ connectionGater: { denyInboundEncryptedConnection: () => true } })
    nodes.push(a, b)
    await expect(a.dialProtocol(b.getMultiaddrs()[0], ECHO, { negotiateFully: true })).to.eventually.be.rejected()
    expect(b.getConnections()).to.have.length(0)
  })

  it('stops cleanly: connections close and the address is released', async () => {
    const [a, b] = await pair()
    await a.dial(b.getMultiaddrs()[0])
    const addr = b.getMultiaddrs()[0]
    await b.stop()
    expect(b.status).to.equal('stopped')
    expect(b.getConnections()).to.have.length(0)
    await expect(a.dial(addr, { force: true })).to.eventually.be.rejected()
  })

  it('a listen the transport refuses fails with its error as the cause and leaves no listener behind', async () => {
    const [a, b] = await pair()
    const transportManager = (b as any).components.transportManager
    const before = transportManager.getListeners().length
    const taken = a.getMultiaddrs()[0].decapsulateCode(421)
    const err = await transportManager.listen([taken]).then(() => undefined, (e: any) => e)
    expect(err?.name).to.equal('UnsupportedTransportError')
    expect(err?.cause).to.be.an('error')
    expect(err.cause.message).to.include(taken.toString())
    expect(transportManager.getListeners()).to.have.length(before)
  })

  it('many streams in parallel on one connection', async () => {
    const [a, b] = await pair()
    const conn = await a.dial(b.getMultiaddrs()[0])
    await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const stream = await conn.newStream(ECHO, { maxOutboundStreams: 100 })
      stream.send(Uint8Array.of(i))
      await stream.closeWrite()
      expect(await readAll(stream)).to.deep.equal(Uint8Array.of(i))
    }))
  })
})
