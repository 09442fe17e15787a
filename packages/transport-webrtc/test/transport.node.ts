import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { SIGNALING_PROTOCOL } from '../src/index.js'
import { cleanupWebRTC } from './fixtures/cleanup.js'
import { relayNode, webrtcAddr, webrtcNode } from './fixtures/nodes.js'
import { ECHO, roundTrip } from './fixtures/streams.js'
import type { RelayNode } from './fixtures/nodes.js'
import type { Connection, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

const STOP = '/libp2p/circuit/relay/0.2.0/stop'

/** what the relay sends on its stop streams (the dialer → listener direction of every circuit) */
function recordCircuits (relay: RelayNode): Uint8Array[] {
  const seen: Uint8Array[] = []
  relay.addEventListener('connection:open', (evt) => {
    const connection = evt.detail
    const newStream = connection.newStream.bind(connection)
    connection.newStream = async (protocols, options) => {
      const stream: Stream = await newStream(protocols, options)
      if (stream.protocol === STOP) {
        const send = stream.send.bind(stream)
        stream.send = (data) => { seen.push(data.subarray()); return send(data) }
      }
      return stream
    }
  })
  return seen
}

function contains (haystack: Uint8Array[], needle: string): boolean {
  const text = haystack.map(b => new TextDecoder('latin1').decode(b)).join('')
  return text.includes(needle)
}

describe('webRTC() private-to-private through a circuit relay (Node, TCP relay, 127.0.0.1)', function () {
  this.timeout(30_000)
  const nodes: Libp2p[] = []

  async function track<T extends Libp2p> (p: Promise<T>): Promise<T> {
    const node = await p
    nodes.push(node)
    return node
  }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  after(() => { cleanupWebRTC() })

  it('listens as <relay>/p2p-circuit/webrtc/p2p/<self>, connects directly, and pings and echoes without the relay', async () => {
    const relay = await track(relayNode())
    const relayed = recordCircuits(relay)
    const listener = await track(webrtcNode(relay))
    const addr = webrtcAddr(listener)
    expect(addr.toString()).to.equal(`${relay.getMultiaddrs()[0].toString()}/p2p-circuit/webrtc/p2p/${listener.peerId.toString()}`)

    const dialer = await track(webrtcNode())
    const inbound = new Promise<Connection>(resolve => {
      listener.addEventListener('connection:open', (evt) => { if (evt.detail.multiplexer === '/webrtc') { resolve(evt.detail) } })
    })
    const connection = await dialer.dial(addr)
    expect(connection.remotePeer.equals(listener.peerId)).to.equal(true)
    expect(connection.limits).to.equal(undefined)
    expect(connection.encryption).to.equal(undefined)
    expect(connection.multiplexer).to.equal('/webrtc')
    expect(connection.remoteAddr.toString()).to.equal(addr.toString())
    const remote = await inbound
    expect(remote.remotePeer.equals(dialer.peerId)).to.equal(true)
    expect(remote.direction).to.equal('inbound')

    // the relayed connection carried the signaling inside its own Noise: the relay saw bytes, no SDP
    expect(relayed.reduce((n, b) => n + b.byteLength, 0)).to.be.greaterThan(500)
    for (const marker of ['a=fingerprint', 'a=ice-ufrag', 'webrtc-datachannel', 'candidate:']) {
      expect(contains(relayed, marker)).to.equal(false, marker)
    }

    // close the relayed connections: the WebRTC one carries on
    for (const c of dialer.getConnections(listener.peerId)) {
      if (c !== connection) { await c.close() }
    }
    expect(dialer.getConnections(listener.peerId)).to.deep.equal([connection])
    const rtt = await dialer.services.ping.ping(listener.peerId)
    expect(rtt).to.be.a('number')
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff)
    const stream = await connection.newStream(ECHO)
    expect(await roundTrip(stream, data)).to.deep.equal(data)
    // the other way round
    const back = await remote.newStream(ECHO)
    expect(await roundTrip(back, data.subarray(0, 1000))).to.deep.equal(data.subarray(0, 1000))
  })

  it('closing the dialer\'s connection closes the listener\'s too', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    const dialer = await track(webrtcNode())
    const inbound = new Promise<Connection>(resolve => {
      listener.addEventListener('connection:open', (evt) => { if (evt.detail.multiplexer === '/webrtc') { resolve(evt.detail) } })
    })
    const connection = await dialer.dial(webrtcAddr(listener))
    const remote = await inbound
    const remoteClosed = new Promise<void>(resolve => {
      listener.addEventListener('connection:close', (evt) => { if (evt.detail === remote) { resolve() } })
    })
    await connection.close()
    expect(connection.status).to.equal('closed')
    await remoteClosed
  })

  it('refuses signaling garbage with a typed error and keeps the relayed connection', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    const dialer = await track(webrtcNode())
    const circuit = multiaddr(webrtcAddr(listener).toString().replace('/webrtc/', '/'))
    const relayedConn = await dialer.dial(circuit)
    const stream = await relayedConn.newStream(SIGNALING_PROTOCOL, { runOnLimitedConnection: true })
    // an ICE_CANDIDATE where the offer belongs
    stream.send(Uint8Array.from([4, 0x08, 0x02, 0x12, 0x00]))
    const answer = await stream.read().catch((err: Error) => err)
    expect(answer).to.have.property('name', 'StreamResetError')
    expect(relayedConn.status).to.equal('open')
    // a real dial over the same relayed connection still works (force: the connection manager
    // counts …/p2p-circuit/webrtc addresses as circuits and would return the relayed connection)
    const connection = await dialer.dial(webrtcAddr(listener), { force: true })
    expect(connection.multiplexer).to.equal('/webrtc')
  })

  it('gives up with a typed error when the remote never answers', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    // the listener's handler never writes
    await listener.unhandle(SIGNALING_PROTOCOL)
    await listener.handle(SIGNALING_PROTOCOL, async () => {}, { runOnLimitedConnection: true })
    const dialer = await track(webrtcNode(undefined, { outboundConnectionTimeout: 1_000 }))
    const err = await dialer.dial(webrtcAddr(listener)).catch((e: Error) => e)
    expect(err).to.have.property('name', 'DialError')
    expect(err).to.have.nested.property('errors[0].name', 'TimeoutError')
  })
})
