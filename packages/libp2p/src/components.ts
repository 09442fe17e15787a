import type { NodeInfo } from './config.js'
import type {
  AddressManager, ComponentLogger, ContentRouting, ConnectionGater, ConnectionManager, Libp2pEvents, Metrics, PeerId, PeerRouting, PeerStore, PrivateKey,
  Registrar, TransportManager, TypedEventTarget, Upgrader
} from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/**
 * What encrypters and muxers may use: they are built before the upgrader, which needs them.
 * A plugin whose factory asks for more than this is a compile error, not a runtime surprise.
 */
export interface BaseComponents {
  peerId: PeerId
  privateKey: PrivateKey
  logger: ComponentLogger
  events: TypedEventTarget<Libp2pEvents>
  datastore: Datastore
  peerStore: PeerStore
  connectionGater: ConnectionGater
  nodeInfo: NodeInfo
  /** what components record through when createLibp2p was given `metrics`; absent otherwise, and they then record nothing */
  metrics?: Metrics
}

/**
 * Everything transports, services and discovery modules may use. Each service is added under its
 * name in `services` once built (js-libp2p does the same: `@libp2p/kad-dht` pings through
 * `components.ping`), so a service sees the ones listed before it at construction, and all later.
 */
export interface Components extends BaseComponents {
  registrar: Registrar
  upgrader: Upgrader
  transportManager: TransportManager
  connectionManager: ConnectionManager
  addressManager: AddressManager
  /** every peer router the node has (js-libp2p's components.peerRouting) */
  peerRouting: PeerRouting
  /** every content router the node has */
  contentRouting: ContentRouting
  [service: string]: unknown
}
