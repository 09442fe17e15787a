import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { InvalidParametersError } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { createLibp2p } from 'libp2p'
import { NODE_SETTINGS } from './node-settings.js'
import { DEFAULT_NODE_LISTEN, publicTransports } from './relay.js'
import type { WssTls } from './relay.js'
import type { CircuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'

/** the limits `libp2p node` takes from its settings (node-settings.ts has their defaults and ranges) */
export interface NodeLimits {
  maxReservations: number
  maxReservationsPerIp: number
  reservationTtl: number
  maxCircuits: number
  maxCircuitsPerPeer: number
  circuitDurationLimit: number
  circuitDataLimit: number
  maxConnections: number
  inboundConnectionThreshold: number
  maxIncomingPendingConnections: number
}

function limit (options: PublicNodeOptions, key: keyof NodeLimits): number {
  const value = options.limits?.[key] ?? NODE_SETTINGS.find(s => s.key === key)?.default
  if (typeof value !== 'number') { throw new InvalidParametersError(`no default for the node limit ${key}`) }
  return value
}

export type PublicNode = Libp2p<{ identify: Identify, ping: Ping, relay: CircuitRelayServer, dht: SingleKadDHT }>

export interface PublicNodeOptions {
  privateKey: PrivateKey
  /** where the peer store, DHT records, providers and routing table live */
  datastore: NonNullable<Libp2pInit['datastore']>
  /** TCP, WebSocket and WebRTC-Direct listen addresses (default: DEFAULT_NODE_LISTEN) */
  listen?: string[]
  /** the addresses to announce instead of the listen addresses (a public IP or DNS name behind NAT) */
  announce?: string[]
  /** the WebSockets listeners' certificate (chain) and key, PEM: every WebSockets listen address then serves TLS */
  tls?: WssTls
  /** the relay's and connection manager's limits; each unset one has the default in NODE_SETTINGS */
  limits?: Partial<NodeLimits>
  /**
   * keep private and loopback addresses in what the DHT stores and hands out (a LAN or a test
   * network); by default only public addresses are, as on the public DHT
   */
  dhtLan?: boolean
  /** what the node records its metrics through (`prometheusMetrics({ registry })`); none when unset */
  metrics?: Libp2pInit['metrics']
}

/**
 * What `libp2p node` runs: a circuit relay v2 server sized for a public node and a Kademlia DHT
 * server (so it also serves as a bootstrap peer), with identify and ping, over TCP, WebSockets (or
 * wss) and WebRTC-Direct, its state in `datastore` (WebRTC-Direct's certificate included).
 */
export async function startPublicNode (options: PublicNodeOptions): Promise<PublicNode> {
  return createLibp2p({
    ...publicTransports({ ...options, listen: options.listen ?? DEFAULT_NODE_LISTEN }),
    datastore: options.datastore,
    metrics: options.metrics,
    connectionManager: {
      maxConnections: limit(options, 'maxConnections'),
      inboundConnectionThreshold: limit(options, 'inboundConnectionThreshold'),
      maxIncomingPendingConnections: limit(options, 'maxIncomingPendingConnections')
    },
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({
        maxCircuits: limit(options, 'maxCircuits'),
        maxCircuitsPerPeer: limit(options, 'maxCircuitsPerPeer'),
        reservations: {
          maxReservations: limit(options, 'maxReservations'),
          maxReservationsPerIp: limit(options, 'maxReservationsPerIp'),
          reservationTtl: limit(options, 'reservationTtl'),
          defaultDurationLimit: limit(options, 'circuitDurationLimit'),
          defaultDataLimit: BigInt(limit(options, 'circuitDataLimit'))
        }
      }),
      dht: kadDHT({
        clientMode: false,
        peerInfoMapper: options.dhtLan === true ? passthroughMapper : removePrivateAddressesMapper
      })
    }
  })
}
