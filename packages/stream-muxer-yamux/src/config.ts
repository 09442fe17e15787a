import { InvalidParametersError } from '@libp2p/interface'
import { option, validateInit } from '@libp2p/utils'
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_INTERVAL_MS, DEFAULT_MAX_CONNECTION_WINDOW_BYTES, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_OUTBOUND_STREAMS, DEFAULT_MAX_STREAM_WINDOW_BYTES, DEFAULT_MAX_STREAM_WRITE_BUFFER_BYTES,
  INITIAL_STREAM_WINDOW_BYTES, MAX_WINDOW_BYTES
} from './constants.js'
import type { InitSchema } from '@libp2p/utils'

/**
 * Options of `yamux()`. Names follow js-libp2p's yamux so configurations port unchanged; sizes
 * are in bytes and times in milliseconds. Defaults are in constants.ts.
 */
export interface YamuxMuxerInit {
  /** streams the remote may have open at once; a SYN past it is answered with RST (default 1024) */
  maxInboundStreams?: number
  /** streams we may have open at once; createStream() past it throws LimitExceededError (default 1024) */
  maxOutboundStreams?: number
  /** each stream's receive window at open, bytes; at least the spec's 256 KiB (default 256 KiB) */
  initialStreamWindowSize?: number
  /**
   * How far auto-tuning may grow a stream's receive window, bytes (default 16 MiB). It also bounds
   * the unread data buffered per stream. Set it to initialStreamWindowSize to turn growth off.
   */
  maxStreamWindowSize?: number
  /**
   * How far the receive windows of all streams of one connection may together grow beyond their
   * initial size, bytes (default 16 MiB, or maxStreamWindowSize if that is larger, so that one
   * stream alone can reach it). A window grows only while this allows, and gives its growth back
   * when its stream ends. Unread data per connection is at most the open streams times
   * initialStreamWindowSize plus this; 0 turns growth off.
   */
  maxConnectionWindowSize?: number
  /** outbound data is split into frames of at most this many payload bytes (default 64 KiB) */
  maxMessageSize?: number
  /** bytes a stream's send() may queue before it throws LimitExceededError (default 4 MiB) */
  maxStreamWriteBufferSize?: number
  /** ping the remote every keepAliveInterval; an unanswered ping closes the connection (default true) */
  enableKeepAlive?: boolean
  /** ms between keep-alive pings (default 30 000) */
  keepAliveInterval?: number
  /** ms that close() (of the muxer, and of each stream) waits for the remote before aborting (default 5000) */
  closeTimeout?: number
}

export type YamuxConfig = Required<YamuxMuxerInit>

/** what `yamux(init)` accepts; maxStreamWindowSize is checked against initialStreamWindowSize in resolveConfig */
const YAMUX_INIT_SCHEMA: InitSchema = {
  maxInboundStreams: option.integer(0, 2 ** 31),
  maxOutboundStreams: option.integer(0, 2 ** 31),
  initialStreamWindowSize: option.integer(INITIAL_STREAM_WINDOW_BYTES, MAX_WINDOW_BYTES),
  maxStreamWindowSize: option.integer(INITIAL_STREAM_WINDOW_BYTES, MAX_WINDOW_BYTES),
  maxConnectionWindowSize: option.integer(0),
  maxMessageSize: option.integer(1, MAX_WINDOW_BYTES),
  maxStreamWriteBufferSize: option.integer(1),
  enableKeepAlive: option.boolean(),
  keepAliveInterval: option.ms(1),
  closeTimeout: option.ms(1),
  streamOptions: option.unsupported('set the stream windows with initialStreamWindowSize / maxStreamWindowSize and the write buffer with maxStreamWriteBufferSize; a stream is not reset for inactivity'),
  maxEarlyStreams: option.unsupported('inbound streams are bounded by maxInboundStreams, early or not')
}

/** defaults filled in and every value checked; throws InvalidParametersError */
export function resolveConfig (init: YamuxMuxerInit = {}): YamuxConfig {
  validateInit('yamux()', init, YAMUX_INIT_SCHEMA)
  const initialStreamWindowSize = init.initialStreamWindowSize ?? INITIAL_STREAM_WINDOW_BYTES
  const maxStreamWindowSize = init.maxStreamWindowSize ?? Math.max(DEFAULT_MAX_STREAM_WINDOW_BYTES, initialStreamWindowSize)
  if (maxStreamWindowSize < initialStreamWindowSize) {
    throw new InvalidParametersError(`yamux(): maxStreamWindowSize (${maxStreamWindowSize}) must not be below initialStreamWindowSize (${initialStreamWindowSize})`)
  }
  return {
    maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
    maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
    initialStreamWindowSize,
    maxStreamWindowSize,
    maxConnectionWindowSize: init.maxConnectionWindowSize ?? Math.max(DEFAULT_MAX_CONNECTION_WINDOW_BYTES, maxStreamWindowSize),
    maxMessageSize: init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxStreamWriteBufferSize: init.maxStreamWriteBufferSize ?? DEFAULT_MAX_STREAM_WRITE_BUFFER_BYTES,
    enableKeepAlive: init.enableKeepAlive ?? true,
    keepAliveInterval: init.keepAliveInterval ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS,
    closeTimeout: init.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS
  }
}
