import type { AbortOptions, Await } from './abort-options.js'
import type { Connection } from './connection.js'
import type { PeerId } from './peer-id.js'
import type { Stream } from './stream.js'

export interface StreamHandler {
  (stream: Stream, connection: Connection): Await<void>
}

export interface StreamHandlerOptions extends AbortOptions {
  /** streams of this protocol a remote may have open on one connection at once */
  maxInboundStreams?: number
  /** streams of this protocol this node may open on one connection at once */
  maxOutboundStreams?: number
  /** accept the protocol on limited (relayed) connections */
  runOnLimitedConnection?: boolean
  /** replace an existing handler instead of failing */
  force?: boolean
}

export interface StreamHandlerRecord {
  handler: StreamHandler
  options: Required<Pick<StreamHandlerOptions, 'maxInboundStreams' | 'maxOutboundStreams' | 'runOnLimitedConnection'>>
}

/**
 * The peers a topology has been told about (js-libp2p's TopologyFilter, e.g. `@libp2p/peer-collections`'
 * peerFilter()): the registrar skips onConnect for a peer it `has`, `add`s the peer before onConnect,
 * and on disconnect calls onDisconnect only for a peer it `has`, after `remove`.
 */
export interface TopologyFilter {
  has(peerId: PeerId): boolean
  add(peerId: PeerId): void
  remove(peerId: PeerId): void
}

/**
 * Told when peers that support a protocol connect (after identify says so) and disconnect (or stop
 * supporting it). A rejected promise from either callback is logged, never thrown.
 */
export interface Topology {
  filter?: TopologyFilter
  onConnect?(peerId: PeerId, connection: Connection): void | Promise<void>
  onDisconnect?(peerId: PeerId): void | Promise<void>
  /** also report peers reached only over limited connections */
  notifyOnLimitedConnection?: boolean
}

/** Which protocols this node handles, and who wants to know about peers that speak one */
export interface Registrar {
  getProtocols(): string[]
  handle(protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void>
  unhandle(protocol: string, options?: AbortOptions): Promise<void>
  /** throws UnsupportedProtocolError when nothing handles it */
  getHandler(protocol: string): StreamHandlerRecord
  register(protocol: string, topology: Topology): Promise<string>
  unregister(id: string): void
  /** the topologies registered for the protocol, in registration order */
  getTopologies(protocol: string): Topology[]
}
