import { InvalidParametersError } from '@libp2p/interface'
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_KEEP_ALIVE_INTERVAL_MS, DEFAULT_MAX_CONNECTION_WINDOW_BYTES, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_OUTBOUND_STREAMS, DEFAULT_MAX_STREAM_WINDOW_BYTES, DEFAULT_MAX_STREAM_WRITE_BUFFER_BYTES,
  INITIAL_STREAM_WINDOW_BYTES, MAX_WINDOW_BYTES
} from './constants.js'

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

function integer (name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidParametersError(`yamux option ${name} must be an integer from ${min} to ${max}, got ${value}`)
  }
  return value
}

/** defaults filled in and every value checked; throws InvalidParametersError */
export function resolveConfig (init: YamuxMuxerInit = {}): YamuxConfig {
  const initialStreamWindowSize = integer('initialStreamWindowSize', init.initialStreamWindowSize ?? INITIAL_STREAM_WINDOW_BYTES, INITIAL_STREAM_WINDOW_BYTES, MAX_WINDOW_BYTES)
  const maxStreamWindowSize = integer('maxStreamWindowSize', init.maxStreamWindowSize ?? Math.max(DEFAULT_MAX_STREAM_WINDOW_BYTES, initialStreamWindowSize), initialStreamWindowSize, MAX_WINDOW_BYTES)
  return {
    maxInboundStreams: integer('maxInboundStreams', init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS, 0, 2 ** 31),
    maxOutboundStreams: integer('maxOutboundStreams', init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS, 0, 2 ** 31),
    initialStreamWindowSize,
    maxStreamWindowSize,
    maxConnectionWindowSize: integer('maxConnectionWindowSize', init.maxConnectionWindowSize ?? Math.max(DEFAULT_MAX_CONNECTION_WINDOW_BYTES, maxStreamWindowSize), 0, Number.MAX_SAFE_INTEGER),
    maxMessageSize: integer('maxMessageSize', init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES, 1, MAX_WINDOW_BYTES),
    maxStreamWriteBufferSize: integer('maxStreamWriteBufferSize', init.maxStreamWriteBufferSize ?? DEFAULT_MAX_STREAM_WRITE_BUFFER_BYTES, 1, Number.MAX_SAFE_INTEGER),
    enableKeepAlive: init.enableKeepAlive ?? true,
    keepAliveInterval: integer('keepAliveInterval', init.keepAliveInterval ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS, 1, 2 ** 31 - 1),
    closeTimeout: integer('closeTimeout', init.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS, 1, 2 ** 31 - 1)
  }
}
