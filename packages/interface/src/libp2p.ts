import type { AbortOptions } from './abort-options.js'
import type { Connection, NewStreamOptions } from './connection.js'
import type { TypedEventTarget } from './events.js'
import type { Ed25519PublicKey, PublicKey, RSAPublicKey, Secp256k1PublicKey } from './keys.js'
import type { Libp2pEvents } from './libp2p-events.js'
import type { Logger, ComponentLogger } from './logger.js'
import type { IsDialableOptions, OpenConnectionOptions } from './managers.js'
import type { Metrics } from './metrics.js'
import type { Ed25519PeerId, PeerId, RSAPeerId, Secp256k1PeerId } from './peer-id.js'
import type { PeerStore } from './peer-store.js'
import type { StreamHandler, StreamHandlerOptions, Topology } from './registrar.js'
import type { ContentRouting, PeerRouting } from './routing.js'
import type { Startable } from './startable.js'
import type { Stream } from './stream.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The node's services by name, as `createLibp2p({ services })` built them */
export type ServiceMap = Record<string, unknown>

export type Libp2pStatus = 'starting' | 'started' | 'stopping' | 'stopped'

/** What `dial()` and `dialProtocol()` accept: a peer id (its known addresses) or addresses */
export type DialTarget = PeerId | Multiaddr | Multiaddr[]

/** `force` and `runOnLimitedConnection` as the connection manager's openConnection() takes them */
export interface DialOptions extends OpenConnectionOptions {}

/**
 * `runOnLimitedConnection` here is the stream's: set, it is passed to the dial as well; unset, a
 * limited connection will do only when this node's own handler of every protocol asked for runs on
 * limited connections.
 */
export interface DialProtocolOptions extends DialOptions, NewStreamOptions {}

/** js-libp2p's `LoggerOptions`: a per-call logger passed down by the caller */
export interface LoggerOptions {
  log: Logger
}

/**
 * The node as services and applications see it (`import type { Libp2p } from '@libp2p/interface'`),
 * with js-libp2p 3's member names. The `libp2p` package's class implements it, so the compiler
 * keeps the two in step. js-libp2p 3's `getDialQueue()`, `use()` and `unuse()` (stream middleware)
 * are not here: this stack has neither an exposed dial queue nor middleware yet.
 */
export interface Libp2p<T extends ServiceMap = ServiceMap> extends Startable, TypedEventTarget<Libp2pEvents<T>> {
  peerId: PeerId
  peerStore: PeerStore
  peerRouting: PeerRouting
  contentRouting: ContentRouting
  /** present when createLibp2p was given `metrics` */
  metrics?: Metrics
  logger: ComponentLogger
  status: Libp2pStatus
  services: T

  /** this node's addresses, each ending in /p2p/<peer id> */
  getMultiaddrs(): Multiaddr[]
  /** the protocols this node handles */
  getProtocols(): string[]
  /** open connections, to one peer or to all */
  getConnections(peerId?: PeerId): Connection[]
  /** peers with at least one open connection */
  getPeers(): PeerId[]
  dial(peer: DialTarget, options?: DialOptions): Promise<Connection>
  dialProtocol(peer: DialTarget, protocols: string | string[], options?: DialProtocolOptions): Promise<Stream>
  /** closes every connection to the peer (or the ones to that address) */
  hangUp(peer: PeerId | Multiaddr, options?: AbortOptions): Promise<void>
  handle(protocol: string | string[], handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocols: string | string[], options?: AbortOptions): Promise<void>
  /** `topology` hears of peers that support `protocol`; returns the id unregister() takes */
  register(protocol: string, topology: Topology, options?: AbortOptions): Promise<string>
  unregister(id: string): void
  getPublicKey(peer: Ed25519PeerId, options?: AbortOptions): Promise<Ed25519PublicKey>
  getPublicKey(peer: Secp256k1PeerId, options?: AbortOptions): Promise<Secp256k1PublicKey>
  getPublicKey(peer: RSAPeerId, options?: AbortOptions): Promise<RSAPublicKey>
  getPublicKey(peer: PeerId, options?: AbortOptions): Promise<PublicKey>
  /** whether a dial of these addresses would be attempted (nothing is dialled) */
  isDialable(multiaddr: Multiaddr | Multiaddr[], options?: IsDialableOptions): Promise<boolean>
}
