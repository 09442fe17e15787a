import type { AbortOptions } from './abort-options.js'
import type { Connection, MultiaddrConnection, NewStreamOptions } from './connection.js'
import type { PeerId } from './peer-id.js'
import type { Stream } from './stream.js'
import type { Listener, Transport } from './transport.js'
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
}

export interface OpenStreamOptions extends OpenConnectionOptions, NewStreamOptions {}

export interface IsDialableOptions extends AbortOptions {
  /** false: only a direct (unlimited) address counts */
  runOnLimitedConnection?: boolean
}

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
  /** remotePeer, when known, is checked by the encrypter during the upgrade */
  dial(ma: Multiaddr, options?: AbortOptions & { remotePeer?: PeerId }): Promise<Connection>
  listen(addrs: Multiaddr[]): Promise<void>
  getAddrs(): Multiaddr[]
  stop(): Promise<void>
}
