import type { AbortOptions } from './abort-options.js'
import type { Connection, MultiaddrConnection, NewStreamOptions } from './connection.js'
import type { PeerId } from './peer-id.js'
import type { Stream } from './stream.js'
import type { DialProfile, Listener, Transport } from './transport.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The node's own addresses: what it listens on, what it announces, what peers observe */
export interface AddressManager {
  getListenAddrs(): Multiaddr[]
  getAnnounceAddrs(): Multiaddr[]
  /** observed addresses confirmed by enough peers */
  getObservedAddrs(): Multiaddr[]
  /** a peer reported seeing us at this address */
  addObservedAddr(addr: Multiaddr, reporter?: PeerId): void
  /** what this node tells others, each ending in /p2p/<self> */
  getAddresses(): Multiaddr[]
}

export interface OpenConnectionOptions extends AbortOptions {
  /** dial even if a connection to the peer exists */
  force?: boolean
  /**
   * Whether a limited connection (one with `limits`, e.g. relayed) will do; an open unlimited
   * connection is always preferred. `true`: an open limited connection is reused; with none, any
   * address is dialled. `false`: the connection must be unlimited: only addresses whose transport
   * says their connection is unlimited are dialled, even when a limited connection is open, and
   * `LimitedConnectionError` says so when the peer has none. Unset (`dial()`, services such as
   * ping): an open limited connection is reused unless the caller named an address whose
   * connection would be unlimited, which is then tried first; if that dial fails the limited
   * connection is returned, except when the named address's transport itself dials through
   * another connection (its caller asked for that upgrade, and gets its error).
   * (js-libp2p 3 has this option on streams and handlers; here the dial takes it too.)
   */
  runOnLimitedConnection?: boolean
  /**
   * Set by a transport that opens this connection from inside its own dial of this tier (see
   * DialProfile): only addresses of lower tiers are dialled, so the inner dial never waits for a
   * slot in the pool the outer dial holds. Not in js-libp2p.
   */
  withinDialTier?: number
}

/** runOnLimitedConnection applies to both the connection and the stream, as in dialProtocol() */
export interface OpenStreamOptions extends OpenConnectionOptions, NewStreamOptions {}

/** `runOnLimitedConnection: false`: only an address whose connection would be unlimited counts */
export interface IsDialableOptions extends AbortOptions, Pick<OpenConnectionOptions, 'runOnLimitedConnection'> {}

/** Opens, tracks, limits and prunes connections */
export interface ConnectionManager {
  getConnections(peerId?: PeerId): Connection[]
  openConnection(peer: PeerId | Multiaddr | Multiaddr[], options?: OpenConnectionOptions): Promise<Connection>
  closeConnections(peerId: PeerId, options?: AbortOptions): Promise<void>
  /** an open (or newly dialled) connection to the peer, then a stream on it for the first protocol the remote accepts */
  openStream(peer: PeerId | Multiaddr | Multiaddr[], protocols: string | string[], options?: OpenStreamOptions): Promise<Stream>
  /**
   * whether a dial of these addresses would be attempted: not this node, a transport for one of
   * them, and the connection gater allows it; with runOnLimitedConnection false, a direct one
   * (nothing is dialled)
   */
  isDialable(multiaddrs: Multiaddr | Multiaddr[], options?: IsDialableOptions): Promise<boolean>
  /** called by the upgrader before upgrading an inbound connection: false refuses it */
  acceptIncomingConnection(maConn: MultiaddrConnection): boolean | Promise<boolean>
  /** the upgrader is done with an inbound connection that acceptIncomingConnection let in */
  afterUpgradeInbound(): void
}

/** Holds the transports and their listeners */
export interface TransportManager {
  add(transport: Transport): void
  getTransports(): Transport[]
  getListeners(): Listener[]
  transportForMultiaddr(ma: Multiaddr): Transport | undefined
  /**
   * what the transport that dials `ma` says about that dial (unlimited, tier 0 when it says
   * nothing); undefined when no transport dials it. Not in js-libp2p.
   */
  dialProfile(ma: Multiaddr): DialProfile | undefined
  /** remotePeer, when known, is checked by the encrypter during the upgrade; the signal bounds the dial */
  dial(ma: Multiaddr, options: Required<AbortOptions> & { remotePeer?: PeerId }): Promise<Connection>
  listen(addrs: Multiaddr[]): Promise<void>
  getAddrs(): Multiaddr[]
  stop(): Promise<void>
}
