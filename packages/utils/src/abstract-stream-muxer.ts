import { ConnectionClosedError, InvalidParametersError, LimitExceededError, TimeoutError, TypedEventEmitter } from '@libp2p/interface'
import { DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_MUXER_MAX_INBOUND_STREAMS, DEFAULT_MUXER_MAX_OUTBOUND_STREAMS } from './constants.js'
import { abortAfter } from './deadline.js'
import { Waiters } from './waiters.js'
import type { AbstractMessageStream } from './abstract-message-stream.js'
import type {
  AbortOptions, CreateStreamOptions, Logger, Stream, StreamMuxer, StreamMuxerEvents, StreamMuxerStatus
} from '@libp2p/interface'

/**
 * What a muxer needs of the thing its streams live on: a byte stream (yamux over Noise over TCP:
 * any MessageStream fits) or a transport with native streams (WebRTC: a small adapter over the
 * RTCPeerConnection whose close() and abort() close it and whose 'close' event follows its
 * connection state).
 */
export interface MuxedConnection {
  /** graceful: flush, end our side, wait for the remote to end its side */
  close(options?: AbortOptions): Promise<void>
  /** at once, dropping what is queued */
  abort(err: Error): void
  addEventListener(type: 'close', listener: (evt: CustomEvent<{ error?: Error }>) => void, options?: AddEventListenerOptions): void
}

function muxerDidNotClose (ms: number): Error {
  return new TimeoutError(`the muxer did not close within ${ms} ms`)
}

function connectionDidNotClose (ms: number): Error {
  return new TimeoutError(`the connection did not close within ${ms} ms`)
}

/** The streams a muxer hands out: the stream base of docs/STREAMS.md, labelled with a protocol */
export type MuxedStream = AbstractMessageStream & Stream

export interface AbstractStreamMuxerInit {
  protocol: string
  connection: MuxedConnection
  log: Logger
  /** streams the remote may have open at once; past it acceptStream() refuses (resets) the stream */
  maxInboundStreams?: number
  /** streams we may have open at once; past it createStream() throws LimitExceededError */
  maxOutboundStreams?: number
  /** how long close() waits for the streams and the remote before aborting, ms */
  closeTimeout?: number
  /**
   * true when the subclass reports the end of each of its streams itself, with streamEnded()
   * from the stream's onFinished(); otherwise the muxer listens to each stream's 'close' event
   */
  reportsStreamEnds?: boolean
}

/**
 * The wire-independent half of a stream muxer: the stream registry, stream limits, the muxer's
 * `status` ('open' → 'closing' → 'closed'), the 'stream' and 'close' events, and how closing,
 * aborting and the connection ending reach every stream. A subclass supplies the wire:
 *
 * - `onCreateStream(id, options)`: open an outbound stream on the wire and return it (an
 * AbstractMessageStream subclass). `nextStreamId()` picks `id`: a counter unless overridden.
 * `untilCanOpen(options)` may make createStream() wait first (yamux: too many unacknowledged SYNs).
 * - `acceptStream(stream)`: the subclass calls it when the remote opened a stream. It is refused
 * (aborted, so the stream's own `sendReset` tells the remote) when the muxer is not open or
 * `maxInboundStreams` are open; otherwise it is registered, `onAcceptStream(stream)` acknowledges
 * it where the wire can (yamux ACK), and it is dispatched as 'stream'.
 * - `onCloseMuxer(options)`: a graceful close begins; announce it where the wire can (GoAway).
 * Then every stream's write side is closed, then `closeConnection()` closes the connection.
 * - `onAbortMuxer(err)`: abort() was called; `onMuxerClosed(err)`: the muxer is closed by any
 * path (stop timers, drop wire state). `onStreamFinished(stream)`: a stream left the registry
 * (the muxer learns of a stream's end from its 'close' event, or from `streamEnded(stream)` when
 * the subclass reports ends itself: `reportsStreamEnds`).
 * - `shutdown(err, connection)`: the subclass ends the muxer itself when its wire says so (a read
 * loop's EOF or error, a protocol violation). The connection's own 'close' event does this too,
 * through `onConnectionClose(err)`, unless a subclass that reads the connection overrides it.
 * Streams then end: with `err` if there is one; otherwise cleanly if they had seen the remote's
 * EOF and sent everything, else with ConnectionClosedError. A graceful end of the connection goes
 * through `endConnection()`.
 * - `remoteClosing()`: the remote announced it is going away (GoAway): no new streams, and the
 * muxer closes once the last stream has finished.
 *
 * Two shapes fit:
 *
 * - Frames over one byte stream (yamux; the framed reference muxer in
 * interface-compliance-tests/test): `connection` is the secured MessageStream. The subclass
 * runs a read loop over it, decodes frames, looks streams up with `getStream(id)` and feeds them
 * (`onData`, `onRemoteCloseWrite`, `onRemoteReset`, `onTransportDrain`); a SYN becomes
 * `acceptStream(new FramedStream(...))`. It overrides `nextStreamId()` for odd/even ids,
 * `onCloseMuxer()` sends GoAway, `closeConnection()` flushes its frame batch first, a read EOF
 * calls `shutdown(undefined, 'close')`, a violation sends GoAway then `shutdown(err, 'close')`.
 * - Native streams (WebRTC): each stream wraps one RTCDataChannel, with no byte stream under the
 * muxer. `onCreateStream()` calls `createDataChannel()` (labelled with `options.protocol`) and
 * returns the stream over it; the peer connection's 'datachannel' event becomes
 * `acceptStream(new DataChannelStream(channel))`; `connection` adapts the RTCPeerConnection;
 * `onCloseMuxer()` has nothing to announce. Ids come from the default counter.
 */
export abstract class AbstractStreamMuxer<S extends MuxedStream = MuxedStream> extends TypedEventEmitter<StreamMuxerEvents> implements StreamMuxer {
  readonly protocol: string
  status: StreamMuxerStatus = 'open'
  readonly log: Logger
  protected readonly connection: MuxedConnection
  protected readonly maxInboundStreams: number
  protected readonly maxOutboundStreams: number
  protected readonly closeTimeout: number

  readonly #streams = new Map<string, S>()
  readonly #closedWaiters = new Waiters<void>()
  #inbound = 0
  /** open outbound streams, and ones being created */
  #outbound = 0
  #nextId = 0
  #closing?: Promise<void>
  #remoteClosing = false
  readonly #reportsStreamEnds: boolean

  constructor (init: AbstractStreamMuxerInit) {
    super()
    this.protocol = init.protocol
    this.connection = init.connection
    this.log = init.log
    this.maxInboundStreams = limit('maxInboundStreams', init.maxInboundStreams ?? DEFAULT_MUXER_MAX_INBOUND_STREAMS)
    this.maxOutboundStreams = limit('maxOutboundStreams', init.maxOutboundStreams ?? DEFAULT_MUXER_MAX_OUTBOUND_STREAMS)
    this.closeTimeout = limit('closeTimeout', init.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS)
    this.#reportsStreamEnds = init.reportsStreamEnds === true
    this.connection.addEventListener('close', (evt) => {
      this.onConnectionClose(evt.detail.error)
    }, { once: true })
  }

  // ---- hooks for implementations -------------------------------------------------------------

  /** open an outbound stream with this id on the wire (yamux SYN, a new data channel) */
  protected abstract onCreateStream (id: string, options: CreateStreamOptions): S | Promise<S>
  /** a graceful close begins, streams are still open: announce it where the wire can (GoAway) */
  protected onCloseMuxer (_options: AbortOptions): void | Promise<void> {}
  /** abort() was called; the streams and the connection are aborted right after */
  protected onAbortMuxer (_err: Error): void {}
  /** the muxer reached 'closed' by any path: stop timers, release wire state */
  protected onMuxerClosed (_err?: Error): void {}
  /** a stream reached a final status and left the registry */
  protected onStreamFinished (_stream: S): void {}
  /**
   * The remote's stream was accepted and registered, and is dispatched as 'stream' right after:
   * acknowledge it here where the wire has an acknowledgement (yamux ACK), so that it goes out
   * before anything a 'stream' listener sends on the stream.
   */
  protected onAcceptStream (_stream: S): void {}

  /**
   * createStream() calls it before it picks an id: a promise makes createStream() wait for it and
   * then start over (status and maxOutboundStreams are checked again), for a wire that bounds
   * streams still being opened (yamux: at most 256 SYNs unacknowledged). Default: no wait.
   */
  protected untilCanOpen (_options: AbortOptions): Promise<void> | undefined {
    return undefined
  }

  /**
   * The connection closed under the muxer (its 'close' event): end the muxer. A subclass that
   * reads its connection overrides it to do nothing: a clean 'close' can come while frames are
   * still buffered unread, and its read loop sees the end after them (EOF, or the read failing).
   */
  protected onConnectionClose (err: Error | undefined): void {
    this.shutdown(err, 'close')
  }

  /** the id of the next outbound stream; unique among this muxer's streams (default: a counter) */
  protected nextStreamId (): string {
    do { this.#nextId++ } while (this.#streams.has(`${this.#nextId}`))
    return `${this.#nextId}`
  }

  /** the last step of close(): close the connection gracefully (subclasses flush their own queues first) */
  protected async closeConnection (options: AbortOptions): Promise<void> {
    await this.connection.close(options)
  }

  /**
   * After shutdown(err, 'close'): end the connection gracefully without waiting, bounded by
   * closeTimeout, aborting it if that fails. A subclass overrides it where its connection needs
   * another order (a byte stream the muxer no longer reads: close its read side first, so that
   * what the remote still sends does not hold it open).
   */
  protected endConnection (): void {
    const connection = this.connection
    const deadline = abortAfter(connection, this.closeTimeout, connectionDidNotClose)
    connection.close().then(() => { deadline.cancel() }, (err: Error) => {
      deadline.cancel()
      connection.abort(err)
    })
  }

  // ---- for implementations -------------------------------------------------------------------

  /** the open stream with this id */
  protected getStream (id: string): S | undefined {
    return this.#streams.get(id)
  }

  /**
   * A stream reached a final status, for a subclass that reports stream ends itself
   * (`reportsStreamEnds`): a close event per stream, made only for this, costs more than the rest
   * of a short stream's bookkeeping. Safe to call for a stream that was never registered or
   * already left.
   */
  protected streamEnded (stream: S): void {
    this.#remove(stream)
  }

  /**
   * The remote opened `stream`. Returns false if it was refused (the muxer is closing or closed,
   * or maxInboundStreams are open): it is then aborted, which resets it on the wire. Throws
   * ProtocolError if the id is in use (a protocol violation).
   */
  protected acceptStream (stream: S): boolean {
    let refusal: Error | undefined
    if (this.status !== 'open') {
      refusal = new ConnectionClosedError(`refusing an inbound stream: the muxer is ${this.status}`)
    } else if (this.#inbound >= this.maxInboundStreams) {
      refusal = new LimitExceededError('maxInboundStreams', this.maxInboundStreams, 'too many inbound streams on this connection')
    }
    if (refusal != null) {
      if (this.log.enabled) { this.log('refusing stream %s - %s', stream.id, refusal.message) }
      stream.abort(refusal)
      return false
    }
    this.#register(stream)
    this.#inbound++
    this.onAcceptStream(stream)
    this.safeDispatchEvent('stream', { detail: stream })
    // a listener may already have finished it
    return true
  }

  /** the remote is going away (GoAway): no new streams; close once the last stream finishes */
  protected remoteClosing (): void {
    if (this.status !== 'open') { return }
    this.status = 'closing'
    this.#remoteClosing = true
    this.#closeIfIdle()
  }

  /**
   * End the muxer now. Streams end with `err`, or without it cleanly if they had seen the
   * remote's EOF and sent everything, else with ConnectionClosedError. The connection is then
   * closed gracefully ('close', bounded by closeTimeout, aborted if that fails) or aborted.
   */
  protected shutdown (err: Error | undefined, connection: 'close' | 'abort'): void {
    if (this.#isClosed()) { return }
    this.status = 'closed'
    if (this.log.enabled) { this.log('closed%s', err == null ? '' : ` - ${err.message}`) }
    for (const stream of [...this.#streams.values()]) {
      stream.onTransportClosed(err ?? ((stream.remoteWriteStatus === 'closed' || stream.readStatus === 'closed') && stream.writeBufferLength === 0
        ? undefined
        : new ConnectionClosedError('the connection closed before the stream ended')))
    }
    this.#streams.clear()
    try {
      this.onMuxerClosed(err)
    } catch (e: any) {
      this.log.error('onMuxerClosed failed - %e', e)
    }
    if (connection === 'abort') {
      this.connection.abort(err ?? new ConnectionClosedError('the muxer is closed'))
    } else {
      this.endConnection()
    }
    this.#closedWaiters.resolveAll()
    this.safeDispatchEvent('close', { detail: { error: err } })
  }

  // ---- StreamMuxer ---------------------------------------------------------------------------

  get streams (): Stream[] {
    return [...this.#streams.values()]
  }

  createStream (options: CreateStreamOptions = {}): S | Promise<S> {
    if (this.status !== 'open') {
      throw new ConnectionClosedError(`cannot open a stream: the muxer is ${this.status}`)
    }
    if (this.#outbound >= this.maxOutboundStreams) {
      throw new LimitExceededError('maxOutboundStreams', this.maxOutboundStreams, 'too many outbound streams on this connection')
    }
    const wait = this.untilCanOpen(options)
    if (wait !== undefined) {
      return wait.then(async () => this.createStream(options))
    }
    const id = this.nextStreamId()
    this.#outbound++
    let created: S | Promise<S>
    try {
      created = this.onCreateStream(id, options)
    } catch (err) {
      this.#outbound--
      throw err
    }
    if (!(created instanceof Promise)) {
      return this.#registerOutbound(created)
    }
    return created.then((stream) => this.#registerOutbound(stream), (err) => {
      this.#outbound--
      throw err
    })
  }

  async close (options: AbortOptions = {}): Promise<void> {
    if (this.#isClosed()) { return }
    this.#closing ??= this.#closeGracefully(options)
    await this.#closing
  }

  abort (err: Error): void {
    if (this.#isClosed()) { return }
    if (this.log.enabled) { this.log('aborting - %s', err.message) }
    try {
      this.onAbortMuxer(err)
    } catch (e: any) {
      this.log.error('onAbortMuxer failed - %e', e)
    }
    this.shutdown(err, 'abort')
  }

  // ---- internals -----------------------------------------------------------------------------

  /** a method, so TypeScript does not narrow `status` across awaits */
  #isClosed (): boolean {
    return this.status === 'closed'
  }

  async #closeGracefully (options: AbortOptions): Promise<void> {
    this.status = 'closing'
    // on expiry the deadline aborts the muxer (its streams and connection too); a deadline queue
    // rather than an AbortSignal.timeout() and AbortSignal.any() per close
    const deadline = abortAfter(this, this.closeTimeout, muxerDidNotClose)
    // the muxer's end by any path (the deadline's abort too) ends the wait, even for a step that
    // does not notice the abort (a connection whose close() ignores it)
    const ended = this.#closedWaiters.wait()
    const steps = this.#closeSteps(options)
    steps.catch(() => {}) // the race below reports its failure, if it still matters
    try {
      await Promise.race([steps, ended])
    } catch (err: any) {
      if (this.#isClosed() && deadline.error == null) { return }
      const reason = deadline.error ?? err
      this.abort(reason)
      throw reason
    } finally {
      deadline.cancel()
    }
    if (deadline.error != null) { throw deadline.error }
  }

  async #closeSteps (options: AbortOptions): Promise<void> {
    await this.onCloseMuxer(options)
    // flush every stream and send its EOF; one that fails meanwhile does not stop the others
    await Promise.all([...this.#streams.values()].map(async (stream) => stream.closeWrite(options).catch(() => {})))
    options.signal?.throwIfAborted()
    if (this.#isClosed()) { return }
    await this.closeConnection(options)
    // the connection's 'close' event (or the subclass seeing EOF) ends the muxer
    if (!this.#isClosed()) { await this.#closedWaiters.wait(options) }
  }

  #registerOutbound (stream: S): S {
    if (this.#isClosed()) {
      this.#outbound--
      const err = new ConnectionClosedError('the muxer closed while the stream was being opened')
      stream.abort(err)
      throw err
    }
    this.#register(stream)
    return stream
  }

  #register (stream: S): void {
    if (this.#streams.has(stream.id)) {
      throw new InvalidParametersError(`stream id ${stream.id} is already in use on this connection`)
    }
    this.#streams.set(stream.id, stream)
    if (!this.#reportsStreamEnds) {
      stream.addEventListener('close', () => { this.#remove(stream) }, { once: true })
    }
  }

  #remove (stream: S): void {
    if (this.#streams.get(stream.id) !== stream) { return }
    this.#streams.delete(stream.id)
    if (stream.direction === 'inbound') { this.#inbound-- } else { this.#outbound-- }
    try {
      this.onStreamFinished(stream)
    } catch (e: any) {
      this.log.error('onStreamFinished failed - %e', e)
    }
    this.#closeIfIdle()
  }

  #closeIfIdle (): void {
    if (!this.#remoteClosing || this.#streams.size > 0 || this.#closing != null || this.#isClosed()) { return }
    this.close().catch((err: Error) => {
      if (this.log.enabled) { this.log('closing after the remote went away failed - %s', err.message) }
    })
  }
}

function limit (name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidParametersError(`${name} must be a non-negative integer, got ${value}`)
  }
  return value
}
