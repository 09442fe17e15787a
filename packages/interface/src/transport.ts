import type { AbortOptions } from './abort-options.js'
import type { Connection, ConnectionLimits, MultiaddrConnection } from './connection.js'
import type { TypedEventTarget } from './events.js'
import type { PeerId } from './peer-id.js'
import type { StreamMuxerFactory } from './stream-muxer.js'
import type { Multiaddr } from '@multiformats/multiaddr'

export const transportSymbol = Symbol.for('@libp2p/transport')

export interface ListenerEvents {
  /** a connection was accepted and upgraded */
  connection: CustomEvent<Connection>
  /** listen() bound its address */
  listening: Event
  /** a non-fatal error (a failed inbound upgrade) */
  error: CustomEvent<Error>
  close: Event
}

export interface Listener extends TypedEventTarget<ListenerEvents> {
  listen(multiaddr: Multiaddr): Promise<void>
  /** the bound addresses (port 0 resolved to the real port) */
  getAddrs(): Multiaddr[]
  /**
   * Completes, in place, the node's announce addresses that need this listener's current state
   * (a WebRTC-Direct address given without the certhash of the certificate in use). js-libp2p's
   * name; optional here: listeners with nothing to add leave it out.
   */
  updateAnnounceAddrs?(multiaddrs: Multiaddr[]): void
  /** stop accepting, then close or drain open connections as the transport documents */
  close(options?: AbortOptions): Promise<void>
}

export interface UpgraderOptions extends AbortOptions {
  /** the peer the caller expects; the encrypter checks it */
  remotePeer?: PeerId
  /** the transport is already encrypted (WebRTC DTLS): skip the encrypter */
  skipEncryption?: boolean
  /** the transport brings its own muxer (WebRTC data channels) */
  muxerFactory?: StreamMuxerFactory
  /** relayed connections pass the relay's limits */
  limits?: ConnectionLimits
}

/** Turns raw transport connections into libp2p connections (docs/ARCHITECTURE.md, "The upgrade pipeline") */
export interface Upgrader {
  upgradeOutbound(maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection>
  upgradeInbound(maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection>
}

/** `signal` is required, as in js-libp2p 3: the caller (the dial queue) owns the dial's deadline */
export interface DialTransportOptions extends Required<AbortOptions> {
  upgrader: Upgrader
  /** the peer being dialled, when known: transports pass it to upgradeOutbound so the encrypter checks it */
  remotePeer?: PeerId
}

export interface CreateListenerOptions {
  upgrader: Upgrader
}

/**
 * What dialling one address involves, as the transport that dials it tells the dial queue, so the
 * queue orders a peer's addresses and hands out dial slots knowing nothing of any transport.
 * js-libp2p's Transport has no such method; a transport without it dials like TCP does
 * (`{ limited: false, tier: 0 }`).
 */
export interface DialProfile {
  /** the connection this dial yields carries `limits` (a relay's byte and time budget) */
  limited: boolean
  /**
   * 0 for a dial that opens no other connection. A dial that opens other connections through the
   * connection manager (to reach the peer through them) has a tier above the tier of every dial
   * it opens, and passes its own tier as `withinDialTier` when it opens them. The dial queue keeps
   * one pool of dial slots per tier, so a dial never waits for a slot held by a dial that waits
   * for it. Among a peer's addresses, those whose connection is unlimited are dialled first, and
   * within each group lower tiers first.
   */
  tier: number
}

export interface Transport {
  readonly [Symbol.toStringTag]: string
  readonly [transportSymbol]: true
  dial(multiaddr: Multiaddr, options: DialTransportOptions): Promise<Connection>
  createListener(options: CreateListenerOptions): Listener
  /** the addresses this transport can listen on */
  listenFilter(multiaddrs: Multiaddr[]): Multiaddr[]
  /** the addresses this transport can dial */
  dialFilter(multiaddrs: Multiaddr[]): Multiaddr[]
  /** how dialling an address this transport dials relates to other dials (see DialProfile); unlimited and tier 0 without it */
  dialProfile?(multiaddr: Multiaddr): DialProfile
}

export function isTransport (other: unknown): other is Transport {
  return other != null && (other as Record<symbol, unknown>)[transportSymbol] === true
}
