import type {
  AbortOptions, AddressManager, ComponentLogger, ConnectionManager, Libp2pEvents, Metrics, PeerId, PeerInfo, PeerStore,
  PrivateKey, ProgressEvent, Registrar, RoutingOptions, TypedEventTarget
} from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

/** The message types of the wire protocol (values as on the wire) */
export enum MessageType {
  PUT_VALUE = 0,
  GET_VALUE = 1,
  ADD_PROVIDER = 2,
  GET_PROVIDERS = 3,
  FIND_NODE = 4,
  PING = 5
}

export type MessageName = keyof typeof MessageType

/** What a query reports as it runs (js-libp2p's kad-dht EventTypes, same numbers) */
export enum EventTypes {
  SEND_QUERY = 0,
  PEER_RESPONSE = 1,
  FINAL_PEER = 2,
  QUERY_ERROR = 3,
  PROVIDER = 4,
  VALUE = 5,
  ADD_PEER = 6,
  DIAL_PEER = 7,
  PATH_ENDED = 8
}

/** A value stored in the DHT */
export interface DHTRecord {
  key: Uint8Array
  value: Uint8Array
  timeReceived?: Date
}

/** Which of a lookup's disjoint paths an event belongs to, and how busy that path is */
export interface DisjointPath {
  index: number
  queued: number
  running: number
  total: number
}

export interface SendQueryEvent {
  type: EventTypes.SEND_QUERY
  name: 'SEND_QUERY'
  to: PeerId
  messageName: MessageName
  messageType: MessageType
  path: DisjointPath
}

export interface PeerResponseEvent {
  type: EventTypes.PEER_RESPONSE
  name: 'PEER_RESPONSE'
  from: PeerId
  messageName: MessageName
  messageType: MessageType
  closer: PeerInfo[]
  providers: PeerInfo[]
  record?: DHTRecord
  path: DisjointPath
}

export interface FinalPeerEvent {
  type: EventTypes.FINAL_PEER
  name: 'FINAL_PEER'
  from: PeerId
  peer: PeerInfo
  path: DisjointPath
}

export interface QueryErrorEvent {
  type: EventTypes.QUERY_ERROR
  name: 'QUERY_ERROR'
  from: PeerId
  error: Error
  path: DisjointPath
}

export interface ProviderEvent {
  type: EventTypes.PROVIDER
  name: 'PROVIDER'
  from: PeerId
  providers: PeerInfo[]
  path: DisjointPath
}

export interface ValueEvent {
  type: EventTypes.VALUE
  name: 'VALUE'
  from: PeerId
  value: Uint8Array
  path: DisjointPath
}

export interface AddPeerEvent {
  type: EventTypes.ADD_PEER
  name: 'ADD_PEER'
  peer: PeerId
  path: DisjointPath
}

export interface DialPeerEvent {
  type: EventTypes.DIAL_PEER
  name: 'DIAL_PEER'
  peer: PeerId
  path: DisjointPath
}

export interface PathEndedEvent {
  type: EventTypes.PATH_ENDED
  name: 'PATH_ENDED'
  path: DisjointPath
}

export type QueryEvent =
  | SendQueryEvent | PeerResponseEvent | FinalPeerEvent | QueryErrorEvent | ProviderEvent | ValueEvent
  | AddPeerEvent | DialPeerEvent | PathEndedEvent

/** The query events as progress events (`onProgress` of RoutingOptions), named as js-libp2p names them */
export type DHTProgressEvents =
  | ProgressEvent<'kad-dht:query:send-query', SendQueryEvent>
  | ProgressEvent<'kad-dht:query:peer-response', PeerResponseEvent>
  | ProgressEvent<'kad-dht:query:final-peer', FinalPeerEvent>
  | ProgressEvent<'kad-dht:query:query-error', QueryErrorEvent>
  | ProgressEvent<'kad-dht:query:provider', ProviderEvent>
  | ProgressEvent<'kad-dht:query:value', ValueEvent>
  | ProgressEvent<'kad-dht:query:add-peer', AddPeerEvent>
  | ProgressEvent<'kad-dht:query:dial-peer', DialPeerEvent>

/** Rewrites the peer info the DHT hands out and stores (e.g. drop private addresses on the WAN) */
export type PeerInfoMapper = (peer: PeerInfo) => PeerInfo

/** Throws when `value` is not a valid record for `key` */
export type ValidateFn = (key: Uint8Array, value: Uint8Array, options?: AbortOptions) => void | Promise<void>
/** The index of the best of `records` for `key` */
export type SelectFn = (key: Uint8Array, records: Uint8Array[]) => number | Promise<number>
/** by namespace: the first path part of a key, e.g. `pk` for `/pk/...` */
export type Validators = Record<string, ValidateFn>
export type Selectors = Record<string, SelectFn>

export interface RoutingTable {
  /** peers in the table */
  readonly size: number
  /** whether the peer is in the table (js-libp2p's RoutingTable has only size) */
  has(peer: PeerId): boolean
}

export interface SetModeOptions extends AbortOptions {
  /** set it even if it is the mode already (re-registers the protocol) */
  force?: boolean
}

/** The DHT service (`services.dht`): every operation is a query whose events are iterated */
export interface KadDHT {
  /** bucket size / replication factor */
  readonly k: number
  /** requests in flight per lookup */
  readonly a: number
  /** disjoint paths per lookup */
  readonly d: number
  readonly validators: Validators
  readonly selectors: Selectors

  get(key: Uint8Array, options?: RoutingOptions): AsyncIterable<QueryEvent>
  findProviders(key: CID, options?: RoutingOptions): AsyncIterable<QueryEvent>
  findPeer(id: PeerId, options?: RoutingOptions): AsyncIterable<QueryEvent>
  getClosestPeers(key: Uint8Array, options?: RoutingOptions): AsyncIterable<QueryEvent>
  provide(key: CID, options?: RoutingOptions): AsyncIterable<QueryEvent>
  cancelReprovide(key: CID, options?: AbortOptions): Promise<void>
  put(key: Uint8Array, value: Uint8Array, options?: RoutingOptions): AsyncIterable<QueryEvent>

  getMode(): 'client' | 'server'
  setMode(mode: 'client' | 'server', options?: SetModeOptions): Promise<void>
  /** look up a random key in each bucket that has peers, and this node's own id */
  refreshRoutingTable(options?: AbortOptions): Promise<void>
}

export interface SingleKadDHT extends KadDHT {
  readonly routingTable: RoutingTable
}

export interface ProvidersInit {
  /** providers kept in memory per key before the datastore is read (js: cacheSize) */
  cacheSize?: number
  /** ms between sweeps of expired provider records */
  cleanupInterval?: number
  /** ms a provider record stays valid (default 48 h) */
  provideValidity?: number
}

export interface ReProvideInit {
  /** provides running at once while republishing */
  concurrency?: number
  /** keys waiting to be republished */
  maxQueueSize?: number
  /** republish a key once its record is this close (ms) to expiring */
  threshold?: number
  /** ms between republish runs (default 22 h) */
  interval?: number
  /** ms a provide is valid for (default 48 h) */
  validity?: number
}

export interface KadDHTInit {
  /** k (default 20) */
  kBucketSize?: number
  /** js-libp2p's trie split threshold; accepted, the table here uses fixed prefix buckets */
  kBucketSplitThreshold?: number
  /** α (default 10) */
  alpha?: number
  /** disjoint paths per lookup (default 1) */
  disjointPaths?: number
  routingTableUpdateQueueConcurrency?: number
  routingTableUpdateMaxQueueSize?: number
  prefixLength?: number
  /** true: client, false: server, unset: server once the node has a confirmed public address */
  clientMode?: boolean
  selectors?: Selectors
  validators?: Validators
  /** ms between self-lookups (default 10 min) */
  querySelfInterval?: number
  /** ms before the first self-lookup once peers are known */
  initialQuerySelfInterval?: number
  allowQueryWithZeroPeers?: boolean
  /**
   * ms between checks of the routing table's size: while it holds fewer than 10 peers, connected
   * peers missing from it are offered again (those the peer store says speak the protocol) or
   * asked one FIND_NODE (those whose protocols are unknown, as when identify failed). Default
   * 2 minutes (go's period; js has no such option)
   */
  tableFillInterval?: number
  /** default /ipfs/kad/1.0.0 */
  protocol?: string
  logPrefix?: string
  datastorePrefix?: string
  metricsPrefix?: string
  pingOldContactTimeout?: { initialValue?: number, minTimeout?: number, maxTimeout?: number }
  pingOldContactConcurrency?: number
  pingOldContactMaxQueueSize?: number
  pingNewContactTimeout?: { initialValue?: number, minTimeout?: number, maxTimeout?: number }
  pingNewContactConcurrency?: number
  pingNewContactMaxQueueSize?: number
  maxInboundStreams?: number
  maxOutboundStreams?: number
  providers?: ProvidersInit
  reprovide?: ReProvideInit
  peerInfoMapper?(peer: PeerInfo): PeerInfo
  networkDialTimeout?: { initialValue?: number, minTimeout?: number, maxTimeout?: number }
  onPeerConnectTimeout?: number
  /** ms an inbound stream may wait for the next request */
  incomingMessageTimeout?: number
  /**
   * go's optimistic provide (Kubo's default): provider records go to peers closer than the
   * expected distance of the k-th closest as soon as the lookup meets them, and provide returns
   * once three quarters of k are stored. Needs a network size estimate, which the node learns
   * from its lookups; until then provide runs the whole lookup. Default false (js has no such option)
   */
  optimisticProvide?: boolean
}

/** What the DHT takes from the node (js-libp2p's KadDHTComponents) */
export interface KadDHTComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  addressManager: AddressManager
  peerStore: PeerStore
  connectionManager: ConnectionManager
  datastore: Datastore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** the ping service: peers are admitted to the table only once they answer /ipfs/ping/1.0.0 */
  ping: { ping(peer: PeerId, options?: AbortOptions): Promise<number> }
  /** where the DHT records its metrics (README), when the node has them */
  metrics?: Metrics
}
