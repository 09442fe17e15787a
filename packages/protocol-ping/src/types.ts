/**
 * The types of the ping service: what it takes from the node (PingComponents), its configuration
 * (PingInit) and the service itself. Re-exported by index.ts.
 */
import type { AbortOptions, ComponentLogger, ConnectionManager, Multiaddr, PeerId, Registrar } from '@libp2p/interface'

/** What ping takes from the node (a subset of libp2p's Components) */
export interface PingComponents {
  registrar: Registrar
  connectionManager: Pick<ConnectionManager, 'openConnection'>
  logger: ComponentLogger
}

/** js-libp2p's PingInit, plus idleTimeout; times in milliseconds */
export interface PingInit {
  /** the protocol id is `/<protocolPrefix>/ping/1.0.0` (default `ipfs`) */
  protocolPrefix?: string
  /** one ping, dial included, must finish within this (default 10000 ms) */
  timeout?: number
  /** an inbound ping stream with no payload for this long is aborted (default 60000 ms) */
  idleTimeout?: number
  /** ping streams a remote may hold open on one connection (default 2) */
  maxInboundStreams?: number
  /** ping streams this node opens on one connection (default 1) */
  maxOutboundStreams?: number
  /** ping over limited (relayed) connections too, both ways (default true) */
  runOnLimitedConnection?: boolean
}

export interface Ping {
  readonly protocol: string
  /** the round trip of one 32-byte payload, in milliseconds (fractional) */
  ping(peer: PeerId | Multiaddr | Multiaddr[], options?: AbortOptions): Promise<number>
}
