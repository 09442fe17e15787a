import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import transportSuite, { RecordingUpgrader } from '@libp2p/interface-compliance-tests/transport'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { webRTC, webRTCDirect } from '../src/index.js'
import { rtcConfiguration } from './fixtures/peer-connections.js'
import { trackNodes } from './fixtures/track.js'
import type { WebRTCDirectTransportComponents, WebRTCTransportComponents } from '../src/index.js'
import type { Startable, Transport } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

type Components = WebRTCTransportComponents & WebRTCDirectTransportComponents
type ComponentsNode = Libp2p<{ components: Components }>

/** relayed connections all come from the relay's IP: the inbound per-IP rate must not refuse them */
const connectionManager = { inboundConnectionThreshold: 1000 }

/**
 * A node without the transport under test: the service hands out the components the node built,
 * so the test builds that transport over them (with a recording upgrader where the transport
 * upgrades with its components' one). `listen` are its listen addresses (a relay reservation).
 */
async function componentsNode (listen: string[] = []): Promise<ComponentsNode> {
  return createLibp2p({
    addresses: { listen },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager,
    services: { components: (components: Components) => components }
  })
}

/**
 * Data channels have no receive-side flow control a reader can exert: node-datachannel and
 * browsers hand every message to the application as it arrives (SCTP's window never closes), so a
 * receiver that does not read cannot hold the sender. The sender is held only by its own
 * bufferedAmount, which drains to the network. Bounded memory on the receiving side is the
 * stream's read buffer limit; the suite's test asks for the sender to be held instead.
 */
const NO_RECEIVER_BACK_PRESSURE = 'a data channel delivers every message as it arrives: an unread receiver cannot hold the sender'

/**
 * By design, as js-libp2p's: the signaling handler is the node's (registered when the transport
 * starts) and answers whatever relay the dialer comes through; an inbound connection belongs to
 * the node, not to a listener. A `/webrtc` listener only publishes the relayed addresses: closing
 * it withdraws them, it neither refuses signaling nor closes connections, and no listener is
 * there to report a failed inbound upgrade (it is logged).
 */
const NO_LISTENER_OWNS_CONNECTIONS = 'inbound connections come through the node\'s signaling handler, not through a listener, which only publishes the relayed addresses'

describe('WebRTC-Direct transport compliance (Node listener, Node dialer, 127.0.0.1)', function () {
  this.timeout(60_000)
  const track = trackNodes<ComponentsNode>()

  transportSuite({
    async setup () {
      const listenerNode = await track(componentsNode())
      const dialerNode = await track(componentsNode())
      // the dialer's own deadline, shorter than the suite's: a dial to a closed listener's port
      // goes unanswered (UDP) and fails with the transport's typed error when it runs out
      const dialer = webRTCDirect({ outboundConnectionTimeout: 5_000 })(dialerNode.services.components)
      const listener = webRTCDirect()(listenerNode.services.components)
      return {
        dialer,
        listener,
        listenAddrs: [multiaddr('/ip4/127.0.0.1/udp/0/webrtc-direct')],
        unsupportedAddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip4/127.0.0.1/udp/9/quic-v1'), multiaddr('/ip4/127.0.0.1/udp/9/webrtc')]
      }
    },
    async teardown () {},
    skip: {
      'holds a sender whose receiver does not read: send() returns false and onDrain() waits': NO_RECEIVER_BACK_PRESSURE
    }
  })
})

/**
 * Private-to-private WebRTC: a relay node over TCP, a listener node holding a reservation on it,
 * a dialer node. The WebRTC transports under test are built over those nodes' components, so
 * their signaling runs over real relayed connections (Noise, Yamux, the relay's limits).
 */
describe('WebRTC (private-to-private) transport compliance (a relay node, a listener with a reservation, a dialer)', function () {
  this.timeout(60_000)
  const track = trackNodes<Libp2p<any>>()
  let started: Array<Transport & Startable> = []

  transportSuite({
    async setup () {
      // concurrent dials to the listener share one relayed connection to signal over; the relay
      // allows more circuits per peer than its default all the same, so the suite does not rely on it
      const relay = await track(createLibp2p({
        addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        connectionManager,
        services: { relay: circuitRelayServer({ maxCircuitsPerPeer: 32 }) }
      }))
      const listenerNode = await track(componentsNode([`${relay.getMultiaddrs()[0].toString()}/p2p-circuit`]))
      const dialerNode = await track(componentsNode())
      // inbound WebRTC connections come through the signaling handler, upgraded with the
      // transport's components' upgrader (no listener receives them), so that one records them
      const inboundUpgrader = new RecordingUpgrader()
      const listener = webRTC({ rtcConfiguration })({ ...listenerNode.services.components, upgrader: inboundUpgrader }) as Transport & Startable
      const dialer = webRTC({ rtcConfiguration })(dialerNode.services.components)
      await listener.start()
      started = [listener]
      return {
        dialer,
        listener,
        listenAddrs: [multiaddr('/webrtc')],
        unsupportedAddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip4/127.0.0.1/udp/9/webrtc-direct')],
        inboundUpgrader
      }
    },
    async teardown () {
      await Promise.all(started.splice(0).map(async t => t.stop()))
    },
    skip: {
      'holds a sender whose receiver does not read: send() returns false and onDrain() waits': NO_RECEIVER_BACK_PRESSURE,
      'dialling an address nobody listens on fails with a typed error': NO_LISTENER_OWNS_CONNECTIONS,
      'a failed inbound upgrade is reported with an error event': NO_LISTENER_OWNS_CONNECTIONS,
      'closing the listener ends its connections and emits close': NO_LISTENER_OWNS_CONNECTIONS
    }
  })
})
