import type { AddressManagerInit } from './address-manager.js'
import type { BaseComponents, Components } from './components.js'
import type { ConnectionManagerInit } from './connection-manager/index.js'
import type { ConnectionMonitorInit } from './connection-monitor.js'
import type { TransportManagerInit } from './transport-manager.js'
import type {
  ComponentLogger, ConnectionEncrypter, ConnectionGater, ContentRouting, Metrics, PeerDiscovery, PeerId, PeerRouting, PrivateKey,
  StreamMuxerFactory, Transport
} from '@libp2p/interface'
import type { PeerStoreInit } from '@libp2p/peer-store'
import type { Datastore } from 'interface-datastore'

/** A plugin: called once with the node's components */
export type Factory<T> = (components: Components) => T
/** An encrypter or muxer plugin: built before the upgrader, so it sees the base components only */
export type BaseFactory<T> = (components: BaseComponents) => T

/**
 * Each service's factory sees the components and, typed, the other services (js-libp2p's shape:
 * a DHT factory that needs `components.ping` type-checks when the map has a ping service)
 */
export type ServiceFactoryMap<T extends Record<string, unknown> = Record<string, unknown>> = {
  [K in keyof T]: (components: Components & T) => T[K]
}

export interface Libp2pInit<T extends Record<string, unknown> = Record<string, unknown>> {
  /** the node's identity; a new Ed25519 key when absent */
  privateKey?: PrivateKey
  addresses?: AddressManagerInit
  transports?: Array<Factory<Transport>>
  connectionEncrypters?: Array<BaseFactory<ConnectionEncrypter>>
  streamMuxers?: Array<BaseFactory<StreamMuxerFactory>>
  services?: ServiceFactoryMap<T>
  /** modules telling of peers (bootstrap lists, mDNS); what they find goes to the peer store */
  peerDiscovery?: Array<Factory<PeerDiscovery>>
  /** peer routers besides those services expose under peerRoutingSymbol (js-libp2p's option) */
  peerRouters?: Array<Factory<Partial<PeerRouting>>>
  /** content routers besides those services expose under contentRoutingSymbol */
  contentRouters?: Array<Factory<Partial<ContentRouting>>>
  connectionManager?: ConnectionManagerInit
  /** pings every open connection and aborts those that stop answering (on by default) */
  connectionMonitor?: ConnectionMonitorInit
  transportManager?: TransportManagerInit
  connectionGater?: ConnectionGater
  /** where the peer store persists; in memory when absent */
  datastore?: Datastore
  /** the peer store's per-peer limits (docs/LIMITS.md) */
  peerStore?: Omit<PeerStoreInit, 'now'>
  /** start the node before createLibp2p resolves (default true) */
  start?: boolean
  logger?: ComponentLogger
  /**
   * A Metrics implementation (js-libp2p's option), e.g. `prometheusMetrics()` from
   * `@libp2p/prometheus-metrics`; built first, from the base components without metrics, and
   * passed to every component as `components.metrics`
   */
  metrics?: BaseFactory<Metrics>
  /** the name/version this node tells peers in identify */
  nodeInfo?: { name?: string, version?: string, userAgent?: string }
}

export interface NodeInfo {
  name: string
  version: string
  userAgent: string
}

export type { PeerId }
