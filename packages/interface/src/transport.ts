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

export interface DialTransportOptions extends AbortOptions {
  upgrader: Upgrader
  /** the peer being dialled, when known: transports pass it to upgradeOutbound so the encrypter checks it */
  remotePeer?: PeerId
}

export interface CreateListenerOptions {
  upgrader: Upgrader
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
}

export function isTransport (other: unknown): other is Transport {
  return other != null && (other as Record<symbol, unknown>)[transportSymbol] === true
}
