/**
 * How libp2p's connection manager treats `…/p2p-circuit/webrtc/p2p/<peer>` addresses: a direct
 * (unlimited) connection whose signalling goes through the relay, not a relayed one.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { webRTC } from '../src/index.js'
import { cleanupWebRTC } from './fixtures/cleanup.js'
import { relayNode, webrtcAddr, webrtcNode } from './fixtures/nodes.js'
import { rtcConfiguration } from './fixtures/peer-connections.js'
import { ECHO, roundTrip } from './fixtures/streams.js'
import type { WebRTCTransportComponents } from '../src/index.js'
import type { ConnectionManager, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

/** the plain circuit address next to a /webrtc one */
function circuitOf (webrtc: Multiaddr): Multiaddr {
  return multiaddr(webrtc.toString().replace('/p2p-circuit/webrtc/', '/p2p-circuit/'))
}

/**
 * webRTC(), except that each dial first asks the connection manager for the relayed connection
 * to the peer it dials: a transport calling openConnection for its own target from inside the dial
 */
function webRTCAskingForTheCircuit (): (components: WebRTCTransportComponents & { connectionManager: ConnectionManager }) => Transport {
  return (components) => {
    const inner = webRTC({ rtcConfiguration })(components)
    return new Proxy(inner, {
      get (target, prop) {
        if (prop === 'dial') {
          return async (ma: Multiaddr, options: Parameters<Transport['dial']>[1]) => {
            const relayed = await components.connectionManager.openConnection(circuitOf(ma), { signal: options.signal })
            expect(relayed.limits).to.not.equal(undefined)
            return target.dial(ma, options)
          }
        }
        const value = Reflect.get(target, prop, target)
        return typeof value === 'function' ? value.bind(target) : value
      }
    })
  }
}

describe('the connection manager and …/p2p-circuit/webrtc addresses (Node, TCP relay, 127.0.0.1)', function () {
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

  it('dial(<webrtc address>) with a relayed connection open connects over WebRTC, and a second dial reuses it', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    const dialer = await track(webrtcNode())
    const relayed = await dialer.dial(circuitOf(webrtcAddr(listener)))
    expect(relayed.limits).to.not.equal(undefined)

    const connection = await dialer.dial(webrtcAddr(listener))
    expect(connection).to.not.equal(relayed)
    expect(connection.limits).to.equal(undefined)
    expect(connection.multiplexer).to.equal('/webrtc')
    expect(await dialer.dial(webrtcAddr(listener))).to.equal(connection)
    expect(await dialer.dial(listener.peerId)).to.equal(connection)
    const data = Uint8Array.from([1, 2, 3])
    expect(await roundTrip(await connection.newStream(ECHO), data)).to.deep.equal(data)
  })

  it('dial(peerId) tries a stored /webrtc address before a stored circuit', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    const dialer = await track(webrtcNode())
    await dialer.peerStore.merge(listener.peerId, { multiaddrs: [circuitOf(webrtcAddr(listener)), webrtcAddr(listener)] })
    const connection = await dialer.dial(listener.peerId)
    expect(connection.limits).to.equal(undefined)
    expect(connection.multiplexer).to.equal('/webrtc')
  })

  it('a caller needing an unlimited connection gets WebRTC next to an open relayed connection', async () => {
    const relay = await track(relayNode())
    const listener = await track(webrtcNode(relay))
    const dialer = await track(webrtcNode())
    await dialer.peerStore.merge(listener.peerId, { multiaddrs: [circuitOf(webrtcAddr(listener)), webrtcAddr(listener)] })
    const relayed = await dialer.dial(circuitOf(webrtcAddr(listener)))
    expect(relayed.limits).to.not.equal(undefined)
    // ECHO's handler here does not run on limited connections: dialProtocol needs an unlimited one
    const stream = await dialer.dialProtocol(listener.peerId, ECHO)
    const data = Uint8Array.from([4, 5, 6])
    expect(await roundTrip(stream, data)).to.deep.equal(data)
    const direct = dialer.getConnections(listener.peerId).find(c => c.limits == null)
    expect(direct?.multiplexer).to.equal('/webrtc')
  })

  for (const how of ['its /webrtc address', 'its peer id'] as const) {
    it(`a transport may open the relayed connection to the peer it dials over WebRTC (dial by ${how}) without waiting for its own dial`, async () => {
      const relay = await track(relayNode())
      const listener = await track(webrtcNode(relay))
      const dialer = await track(createLibp2p({
        transports: [tcp(), circuitRelayTransport(), webRTCAskingForTheCircuit()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        // without the fix the inner dial waits for the outer one until this deadline
        connectionManager: { dialTimeout: 5_000 }
      }))
      const addr = webrtcAddr(listener)
      let connection
      if (how === 'its peer id') {
        await dialer.peerStore.merge(listener.peerId, { multiaddrs: [addr] })
        connection = await dialer.dial(listener.peerId)
      } else {
        connection = await dialer.dial(addr)
      }
      expect(connection.multiplexer).to.equal('/webrtc')
      expect(connection.limits).to.equal(undefined)
      expect(dialer.getConnections(listener.peerId).filter(c => c.limits != null)).to.have.length(1)
    })
  }
})
