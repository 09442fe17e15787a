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

/** Told when peers that support a protocol connect and disconnect */
export interface Topology {
  /** only peers for which this returns true are reported */
  filter?(peerId: PeerId): boolean
  onConnect?(peerId: PeerId, connection: Connection): void
  onDisconnect?(peerId: PeerId): void
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
}
