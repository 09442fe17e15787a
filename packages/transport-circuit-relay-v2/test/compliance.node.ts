import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import transportSuite, { RecordingUpgrader } from '@libp2p/interface-compliance-tests/transport'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { circuitRelayTransport } from '../src/index.js'
import { relayNode } from './fixtures/nodes.js'
import type { CircuitRelayTransportComponents } from '../src/index.js'
import type { Startable, Transport } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

type RelayTransport = Transport & Startable

/**
 * Where the relay transport differs from a socket transport by design: an inbound circuit comes
 * through the transport's STOP handler, from any relay the node holds a reservation on, and is
 * upgraded with the node's upgrader; it belongs to the node (its connection manager), not to the
 * listener, which only holds the reservation (js-libp2p's relay listener is the same).
 */
const NO_LISTENER_OWNS_CIRCUITS = 'an inbound circuit arrives through the STOP handler and belongs to the node, not to a listener, which only holds the reservation'

const SKIP = {
  'announces an accepted connection with a connection event': NO_LISTENER_OWNS_CIRCUITS,
  'a failed inbound upgrade is reported with an error event': NO_LISTENER_OWNS_CIRCUITS,
  'closing the listener ends its connections and emits close': NO_LISTENER_OWNS_CIRCUITS
}

/**
 * A node with TCP and no relay transport of its own; the service hands out the components the
 * node built, so the test can build the relay transport it runs the suite on over them (with a
 * recording upgrader in place of the node's).
 */
async function componentsNode (): Promise<Libp2p<{ components: CircuitRelayTransportComponents }>> {
  return createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // relayed connections all come from the relay's IP: the inbound per-IP rate must not refuse them
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: { components: (components: CircuitRelayTransportComponents) => components }
  })
}

describe('circuit relay v2 transport compliance (a relay node over TCP, a listener with a reservation, a dialer)', function () {
  this.timeout(30_000)
  let nodes: Libp2p[] = []
  let started: RelayTransport[] = []

  transportSuite({
    async setup () {
      // the suite moves megabytes and opens 16 circuits at once between the same two peers: a
      // relay without the default data and duration limits and with room for that many circuits
      const relay = await relayNode({ maxCircuitsPerPeer: 32, reservations: { applyDefaultLimit: false } })
      const listenerNode = await componentsNode()
      const dialerNode = await componentsNode()
      nodes = [relay, listenerNode, dialerNode]
      // inbound circuits come through the transport's STOP handler and are upgraded with its
      // components' upgrader (no listener receives them), so that one records them; the handler
      // checks the upgraded connection's peer against the one the relay announced: the dialer
      const inboundUpgrader = new RecordingUpgrader({ remotePeer: dialerNode.peerId })
      const listener = circuitRelayTransport()({ ...listenerNode.services.components, upgrader: inboundUpgrader }) as RelayTransport
      await listener.start()
      const dialer = circuitRelayTransport()(dialerNode.services.components) as RelayTransport
      started = [listener]
      return {
        dialer,
        listener,
        listenAddrs: [multiaddr(`${relay.getMultiaddrs()[0].toString()}/p2p-circuit`)],
        unsupportedAddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip4/127.0.0.1/udp/9/quic-v1')],
        inboundUpgrader
      }
    },
    async teardown () {
      await Promise.all(started.splice(0).map(async t => t.stop()))
      await Promise.all(nodes.splice(0).map(async n => n.stop()))
    },
    skip: SKIP
  })
})
