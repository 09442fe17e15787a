import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'
import { DEFAULT_NODE_MAX_CIRCUITS, DEFAULT_NODE_MAX_RESERVATIONS, DEFAULT_NODE_MAX_RESERVATIONS_PER_IP } from './constants.js'
import { publicTransports } from './relay.js'
import type { CircuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'

export type PublicNode = Libp2p<{ identify: Identify, ping: Ping, relay: CircuitRelayServer, dht: KadDHT }>

export interface PublicNodeOptions {
  privateKey: PrivateKey
  /** where the peer store, DHT records, providers and routing table live */
  datastore: NonNullable<Libp2pInit['datastore']>
  /** TCP and WebSocket listen addresses (default: the relay command's, TCP 4001 and WebSockets 4002) */
  listen?: string[]
  /** the addresses to announce instead of the listen addresses (a public IP or DNS name behind NAT) */
  announce?: string[]
  /** reservations held at once (default DEFAULT_NODE_MAX_RESERVATIONS) */
  maxReservations?: number
  /**
   * keep private and loopback addresses in what the DHT stores and hands out (a LAN or a test
   * network); by default only public addresses are, as on the public DHT
   */
  dhtLan?: boolean
}

/**
 * What `libp2p node` runs: a circuit relay v2 server sized for a public node and a Kademlia DHT
 * server (so it also serves as a bootstrap peer), with identify and ping, over TCP and WebSockets,
 * its state in `datastore`.
 */
export async function startPublicNode (options: PublicNodeOptions): Promise<PublicNode> {
  return createLibp2p({
    ...publicTransports(options),
    datastore: options.datastore,
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        maxCircuits: DEFAULT_NODE_MAX_CIRCUITS,
        reservations: {
          maxReservations: options.maxReservations ?? DEFAULT_NODE_MAX_RESERVATIONS,
          maxReservationsPerIp: DEFAULT_NODE_MAX_RESERVATIONS_PER_IP
        }
      }),
      dht: kadDHT({
        clientMode: false,
        peerInfoMapper: options.dhtLan === true ? passthroughMapper : removePrivateAddressesMapper
      })
    }
  })
}
