import type { AbortOptions } from './abort-options.js'
import type { TypedEventTarget } from './events.js'
import type { Logger } from './logger.js'
import type { Uint8ArrayList } from 'uint8arraylist'

export type Direction = 'inbound' | 'outbound'

/**
 * - `open`: both directions may be in use
 * - `closing`: a graceful close is under way (write side flushing, waiting for the remote's close)
 * - `closed`: both sides closed gracefully
 * - `aborted`: closed locally because of an error (a reset is sent where the transport has one)
 * - `reset`: the remote reset it
 */
export type StreamStatus = 'open' | 'closing' | 'closed' | 'aborted' | 'reset'
/** `readable` until the remote closes its write side (EOF) or the local side calls closeRead() */
export type ReadStatus = 'readable' | 'closed'
/** `writable` until closeWrite() begins (`closing`: flushing) and completes (`closed`) */
export type WriteStatus = 'writable' | 'closing' | 'closed'

export interface StreamTimeline {
  /** ms since epoch when the stream was created */
  open: number
  /** when the stream reached any final status */
  close?: number
}

export type ByteSource = AsyncIterable<Uint8Array | Uint8ArrayList> | Iterable<Uint8Array | Uint8ArrayList>

export interface MessageStreamEvents {
  /** the stream reached a final status; `error` is set when it was aborted or reset */
  close: CustomEvent<{ error?: Error }>
  /** the write buffer dropped to its low-water mark after send() returned false */
  drain: Event
}

/**
 * A duplex of bytes with bounded buffers in both directions. The semantics are written once,
 * in docs/STREAMS.md; implementations extend `@libp2p/utils`' AbstractMessageStream.
 *
 * Reading: iterate the stream (or `stream.source`). Each chunk is a Uint8ArrayList. The
 * iteration ends at the remote's EOF and throws if the stream is aborted or reset. Data is taken
 * from a bounded read buffer; where the transport has flow control, credit is returned to the
 * remote only as the application consumes, so a slow reader slows the sender.
 *
 * Writing, fast path: `send(data)` queues the bytes and returns false once the write buffer is
 * over its high-water mark; then wait for `onDrain()` before sending more. Every call to
 * onDrain() after a false send() waits for a new drain. Sending past the hard cap
 * (`maxWriteBufferLength`) throws LimitExceededError instead of buffering without bound.
 *
 * Writing, it-pipe style: `sink(source)` sends everything from source honouring back-pressure,
 * then closes the write side.
 */
export interface MessageStream<Events extends MessageStreamEvents = MessageStreamEvents> extends TypedEventTarget<Events>, AsyncIterable<Uint8ArrayList> {
  /** unique among the streams of one connection (or among connections of one transport) */
  readonly id: string
  readonly direction: Direction
  readonly status: StreamStatus
  readonly readStatus: ReadStatus
  readonly writeStatus: WriteStatus
  readonly timeline: StreamTimeline
  readonly log: Logger
  /** bytes queued by send() that the transport has not taken yet */
  readonly writableLength: number
  /** bytes received and not yet read by the application */
  readonly readableLength: number

  /**
   * Take everything buffered, waiting for data if there is none; null at EOF. Throws
   * StreamResetError / the abort reason if the stream fails. If the signal aborts, nothing is lost:
   * the next read sees the data. Iterating the stream is read() in a loop, and leaving a
   * `for await` loop early does not close the stream, so handshake readers and the application
   * can take turns.
   */
  read(options?: AbortOptions): Promise<Uint8ArrayList | null>
  /** put bytes back at the front of the read buffer, for readers that read past their message */
  unshift(data: Uint8Array | Uint8ArrayList): void
  /** queue bytes; false means "wait for onDrain() before sending more". Throws StreamStateError when the write side is closed */
  send(data: Uint8Array | Uint8ArrayList): boolean
  /** resolves when the write buffer has drained below the low-water mark (at once if it already is); rejects if the stream closes or the signal aborts */
  onDrain(options?: AbortOptions): Promise<void>
  /** the readable side, for it-pipe: `pipe(source, stream, sink)` */
  readonly source: AsyncIterable<Uint8ArrayList>
  /** sends all of source with back-pressure then closes the write side; for it-pipe */
  sink(source: ByteSource): Promise<void>
  /** flush queued data, then signal EOF to the remote (yamux FIN, TCP half-close). Reading may continue */
  closeWrite(options?: AbortOptions): Promise<void>
  /** stop reading: buffered data is dropped and the remote is told where the transport can */
  closeRead(options?: AbortOptions): Promise<void>
  /** closeWrite(), then wait for the remote's EOF; on signal abort the stream is aborted */
  close(options?: AbortOptions): Promise<void>
  /** close at once, dropping buffers; the remote sees a reset where the transport has one */
  abort(err: Error): void
}

/** A stream of a multiplexed connection, bound to one protocol */
export interface Stream extends MessageStream {
  /** the protocol negotiated with multistream-select; '' until then */
  protocol: string
  /** free-form data the application attaches */
  readonly metadata: Record<string, unknown>
}
