import type { AbortOptions } from './abort-options.js'
import type { StreamCloseEvent, StreamMessageEvent, TypedEventTarget } from './events.js'
import type { Logger } from './logger.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/** js-libp2p 3 calls this MessageStreamDirection; both names are exported */
export type Direction = 'inbound' | 'outbound'
export type MessageStreamDirection = Direction

/**
 * - `open`: at least one direction is still in use
 * - `closing`: a connection-level close (MultiaddrConnection.close()) is under way
 * - `closed`: both directions closed gracefully (this side's close() and the remote's EOF); unread
 * data may remain and is still delivered
 * - `aborted`: closed locally because of an error (a reset is sent where the transport has one)
 * - `reset`: the remote reset it
 */
export type StreamStatus = 'open' | 'closing' | 'closed' | 'aborted' | 'reset'
export type MessageStreamStatus = StreamStatus
/**
 * `readable` while data may still be delivered, `paused` after pause(), `closed` once everything the
 * remote sent before its EOF has been delivered, or after closeRead() or an abort/reset
 */
export type ReadStatus = 'readable' | 'paused' | 'closing' | 'closed'
export type MessageStreamReadStatus = ReadStatus
/** `writable` until close() begins (`closing`: flushing) and completes (`closed`: EOF sent) */
export type WriteStatus = 'writable' | 'closing' | 'closed'
export type MessageStreamWriteStatus = WriteStatus

export interface StreamTimeline {
  /** ms since epoch when the stream was created */
  open: number
  /** when the stream reached any final status */
  close?: number
}
export type MessageStreamTimeline = StreamTimeline

export type ByteSource = AsyncIterable<Uint8Array | Uint8ArrayList> | Iterable<Uint8Array | Uint8ArrayList>

/** js-libp2p 3's event map, the same names and meanings (docs/STREAMS.md) */
export interface MessageStreamEvents {
  /** data from the remote, while a listener is attached and the stream is not paused */
  message: StreamMessageEvent
  /** the write buffer dropped to its low-water mark after send() returned false */
  drain: Event
  /** the stream reached a final status; `error` is set when it was aborted (`local`) or reset */
  close: StreamCloseEvent
  /** the remote closed its write side (EOF); this side may still write */
  remoteCloseWrite: Event
  /** nothing more will be delivered: the read buffer is empty after the remote's EOF, or closeRead()/abort; at most once */
  end: Event
  /** the write buffer is empty */
  idle: Event
}

/**
 * A duplex of bytes with bounded buffers in both directions: js-libp2p 3's MessageStream, with the
 * same member names and semantics, plus a pull API of our own (`read()`, `source`, `sink`,
 * `closeWrite()`: names js does not use). The semantics are written once, in docs/STREAMS.md;
 * implementations extend `@libp2p/utils`' AbstractMessageStream.
 *
 * Reading, push style (js's): listen for `message` events; `pause()`/`resume()` hold them back.
 * Reading, pull style: iterate the stream (`for await`), or `read()`. While a `message` listener is
 * attached, data goes to the listeners, not to read(). Data is held in a bounded read buffer; where
 * the transport has flow control, credit is returned to the remote only as data is delivered, so a
 * slow or paused reader slows the sender.
 *
 * Writing: `send(data)` queues the bytes and returns false once the write buffer is over its
 * high-water mark; then wait for `onDrain()` (or the `drain` event) before sending more.
 */
export interface MessageStream<Timeline extends StreamTimeline = StreamTimeline> extends TypedEventTarget<MessageStreamEvents>, AsyncIterable<Uint8ArrayList> {
  /** unique among the streams of one connection (or among connections of one transport) */
  readonly id: string
  readonly direction: Direction
  readonly status: StreamStatus
  readonly readStatus: ReadStatus
  readonly writeStatus: WriteStatus
  /** `closed` once the remote said it stops reading (where the transport can) or the stream ended */
  readonly remoteReadStatus: ReadStatus
  /** `closed` once the remote's EOF arrived (or the stream ended) */
  readonly remoteWriteStatus: WriteStatus
  readonly timeline: Timeline
  readonly log: Logger
  /** bytes queued by send() that the transport has not taken yet */
  readonly writeBufferLength: number
  /** bytes received and not yet delivered to the application */
  readonly readBufferLength: number
  /** true after send() returned false, until the `drain` event */
  readonly writableNeedsDrain: boolean
  /** true once `end` has fired */
  readonly readableEnded: boolean
  /**
   * js-libp2p's hard cap on undelivered bytes: past it the stream is aborted with StreamBufferError.
   * Ours applies back-pressure long before (docs/LIMITS.md), so the default is only a backstop.
   */
  maxReadBufferLength: number
  /** js-libp2p's hard cap on unsent bytes: past it the stream is aborted with StreamBufferError (unset: none) */
  maxWriteBufferLength?: number
  /** ms of silence after which a transport that enforces it closes (TCP does; js-libp2p's field) */
  inactivityTimeout: number

  /** queue bytes; false means "wait for onDrain() before sending more". Throws StreamStateError once close() began */
  send(data: Uint8Array | Uint8ArrayList): boolean
  /** resolves when the write buffer has drained to the low-water mark (at once if it already is); rejects if the stream ends or the signal aborts */
  onDrain(options?: AbortOptions): Promise<void>
  /**
   * Stop sending: flush what is queued, then send EOF (yamux FIN, TCP half-close). Resolves once
   * the transport took everything; reading goes on until the remote closes too. Aborts the stream
   * with TimeoutError when the flush makes no progress for `closeTimeout` ms (the remote stopped
   * reading), or with the signal's reason.
   */
  close(options?: AbortOptions): Promise<void>
  /** close at once, dropping buffers; the remote sees a reset where the transport has one */
  abort(err: Error): void
  /** hold back `message` events (and read()); the transport is paused or, with flow control, the remote runs out of credit */
  pause(): void
  /** deliver what was held back and carry on */
  resume(): void
  /** queue bytes to be delivered as if they had arrived (after what is already queued) */
  push(data: Uint8Array | Uint8ArrayList): void
  /** put bytes back at the front of the read buffer, for readers that read past their message */
  unshift(data: Uint8Array | Uint8ArrayList): void

  // ---- ours: names js-libp2p does not use ----
  /**
   * Take everything buffered, waiting for data if there is none; null at EOF. Throws
   * StreamResetError / the abort reason if the stream fails. If the signal aborts, nothing is lost:
   * the next read sees the data. Iterating the stream is read() in a loop, and leaving a
   * `for await` loop early does not close the stream, so handshake readers and the application
   * can take turns.
   */
  read(options?: AbortOptions): Promise<Uint8ArrayList | null>
  /** the readable side, for it-pipe: `pipe(source, stream, sink)` */
  readonly source: AsyncIterable<Uint8ArrayList>
  /** sends all of source with back-pressure then closes the write side; for it-pipe */
  sink(source: ByteSource): Promise<void>
  /** the write-side close: close() on a Stream, a half-close on a MultiaddrConnection */
  closeWrite(options?: AbortOptions): Promise<void>
  /** stop reading: buffered data is dropped, later data discarded, and the remote told where the transport can (WebRTC; not yamux) */
  closeRead(options?: AbortOptions): Promise<void>
}

/** A stream of a multiplexed connection, bound to one protocol */
export interface Stream extends MessageStream {
  /** the protocol negotiated with multistream-select; '' until then */
  protocol: string
  /** free-form data the application attaches (ours) */
  readonly metadata: Record<string, unknown>
}
