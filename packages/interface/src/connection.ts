import type { AbortOptions } from './abort-options.js'
import type { StreamCloseEvent, TypedEventTarget } from './events.js'
import type { Logger } from './logger.js'
import type { PeerId } from './peer-id.js'
import type { MessageStream, Stream, Direction } from './stream.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * A relayed connection is limited: the relay closes it after `bytes` (in both directions summed
 * per direction, as the relay counts) or `seconds`. Protocols only run on such a connection when
 * their handler or dial opts in with `runOnLimitedConnection`.
 */
export interface ConnectionLimits {
  bytes?: bigint
  seconds?: number
}

export type ConnectionStatus = 'open' | 'closing' | 'closed'

export interface ConnectionTimeline {
  open: number
  /** when the upgrader finished */
  upgraded?: number
  close?: number
}

export interface NewStreamOptions extends AbortOptions {
  /** refuse to open more than this many outbound streams of the protocol on this connection */
  maxOutboundStreams?: number
  /** allow the stream on a limited (relayed) connection */
  runOnLimitedConnection?: boolean
  /**
   * With one protocol, multistream-select is optimistic by default: the protocol is assumed and
   * its confirmation read with the first response. Set this to wait for the confirmation first.
   */
  negotiateFully?: boolean
}

export interface ConnectionEvents {
  /** js-libp2p 3's StreamCloseEvent: `error` set when the connection was aborted */
  close: StreamCloseEvent
}

/** An upgraded (secure, multiplexed) connection to one peer */
export interface Connection extends TypedEventTarget<ConnectionEvents> {
  readonly id: string
  readonly remoteAddr: Multiaddr
  readonly remotePeer: PeerId
  readonly direction: Direction
  readonly status: ConnectionStatus
  readonly timeline: ConnectionTimeline
  /** the encrypter's protocol id, e.g. /noise; undefined for a transport that brings its own security */
  readonly encryption?: string
  /** the muxer's protocol id, e.g. /yamux/1.0.0 */
  readonly multiplexer?: string
  /** set on relayed connections, undefined when unlimited */
  readonly limits?: ConnectionLimits
  /** false when the connection goes through a relay (js-libp2p 3's field) */
  readonly direct: boolean
  /** ms of the last round trip the connection monitor measured on this connection; undefined until then */
  rtt?: number
  /** the open streams */
  readonly streams: Stream[]
  readonly log: Logger
  /** open a stream and negotiate one of `protocols` on it */
  newStream(protocols: string | string[], options?: NewStreamOptions): Promise<Stream>
  /** close gracefully: streams are closed, then the muxer and the transport */
  close(options?: AbortOptions): Promise<void>
  /** close at once with an error */
  abort(err: Error): void
}

/**
 * A raw connection from a transport, before encryption and multiplexing: a byte stream with
 * the remote's address. Its close() closes the whole connection, as js-libp2p's does: flush, send
 * EOF, wait for the remote's (bounded by the transport's close timeout, then aborted), release the
 * resource. closeWrite() is the half-close.
 */
export interface MultiaddrConnection extends MessageStream {
  readonly remoteAddr: Multiaddr
  /** false when the bytes go through a relay (a circuit); the upgraded connection's `direct` */
  readonly direct?: boolean
}
