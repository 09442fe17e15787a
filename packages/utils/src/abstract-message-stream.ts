import {
  AbortError, LimitExceededError, StreamAbortEvent, StreamBufferError, StreamCloseEvent, StreamMessageEvent, StreamResetError,
  StreamResetEvent, StreamStateError, TimeoutError, TypedEventEmitter
} from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_INACTIVITY_TIMEOUT_MS, DEFAULT_MAX_READ_BUFFER_BYTES,
  DEFAULT_MAX_READ_BUFFER_LENGTH_BYTES, DEFAULT_MAX_WRITE_BUFFER_BYTES, DEFAULT_WRITE_HIGH_WATER_BYTES,
  DEFAULT_WRITE_LOW_WATER_BYTES
} from './constants.js'
import { abortAfter, followAbort } from './deadline.js'
import { Waiters } from './waiters.js'
import type {
  AbortOptions, ByteSource, Direction, EventHandler, Logger, MessageStream, MessageStreamEvents, ReadStatus,
  StreamStatus, StreamTimeline, WriteStatus
} from '@libp2p/interface'

function closeTimeoutError (ms: number): Error {
  return new TimeoutError(`stream did not close within ${ms} ms`)
}

function flushTimeoutError (ms: number): Error {
  return new TimeoutError(`close() made no progress for ${ms} ms: the remote does not read`)
}

export interface MessageStreamInit {
  id: string
  direction: Direction
  log: Logger
  /** bytes buffered for writing at which send() returns false (default 64 KiB) */
  writeHighWaterMark?: number
  /** bytes buffered for writing at or below which 'drain' fires (default 16 KiB) */
  writeLowWaterMark?: number
  /**
   * bytes the write buffer may hold: a send() past it throws LimitExceededError and the stream
   * stays usable (default 4 MiB). Not js-libp2p's maxWriteBufferLength, which resets the stream.
   */
  maxWriteBufferSize?: number
  /**
   * unread bytes above which the transport is paused until the application reads (default 4 MiB).
   * Not js-libp2p's maxReadBufferLength, which resets the stream.
   */
  readHighWaterMark?: number
  /**
   * ms a close() whose flush makes no progress waits before aborting with TimeoutError, and the
   * bound on a whole MultiaddrConnection close (default 5 s)
   */
  closeTimeout?: number
  /** js-libp2p's hard cap on undelivered bytes, then StreamBufferError (default 32 MiB, above any window) */
  maxReadBufferLength?: number
  /** js-libp2p's hard cap on unsent bytes, then StreamBufferError (default none: maxWriteBufferSize applies) */
  maxWriteBufferLength?: number
  /** js-libp2p's field: ms of silence after which a transport that enforces it closes (default 120 s) */
  inactivityTimeout?: number
  /**
   * 'stream' (default): js-libp2p 3's Stream: close() is the write side's close, and the stream
   * ends once the remote's EOF came too. 'connection': a MultiaddrConnection (a socket): close()
   * closes both ways and waits for the remote (closeGracefully), and closeRead() + closeWrite() end
   * it without waiting for the remote, as shutting a socket down both ways does.
   */
  closeMode?: 'stream' | 'connection'
}

interface PendingReply {
  parse(buffer: Uint8ArrayList): number | undefined
  onEnd(): Error
  buffer: Uint8ArrayList
  waiters: Waiters<void>
}

/** What the transport took from a sendData() call */
export interface SendResult {
  /** bytes taken from the front of the buffer */
  sentBytes: number
  /** false: stop sending until the implementation calls onTransportDrain() */
  canSendMore: boolean
}

/**
 * The semantics of docs/STREAMS.md, written once. A transport, connection or muxer stream
 * extends this and implements the `send*` hooks; it feeds events in with the `on*` methods.
 *
 * Writes are coalesced: send() appends to the write buffer and a microtask flushes it, so many
 * small sends in one tick become one sendData() call. A write buffer over the high-water mark is
 * flushed at once.
 */
/**
 * The semantics of docs/STREAMS.md (js-libp2p 3's MessageStream contract), written once. A
 * transport, connection or muxer stream extends this and implements the `send*` hooks; it feeds
 * events in with the `on*` methods.
 *
 * Reading: what arrives goes to the `message` listeners when there are any (and the stream is not
 * paused), else to a waiting read(), else into a bounded buffer until one of them comes. Credit is
 * given back to a flow-controlled transport (onConsumed) as data is delivered, not as it arrives.
 *
 * Writing: send() appends to the write buffer and a microtask flushes it, so many small sends in one
 * tick become one sendData() call. A write buffer over the high-water mark is flushed at once.
 */
export abstract class AbstractMessageStream extends TypedEventEmitter<MessageStreamEvents> implements MessageStream {
  readonly id: string
  readonly direction: Direction
  readonly log: Logger
  readonly timeline: StreamTimeline
  status: StreamStatus = 'open'
  readStatus: ReadStatus = 'readable'
  writeStatus: WriteStatus = 'writable'
  remoteReadStatus: ReadStatus = 'readable'
  remoteWriteStatus: WriteStatus = 'writable'
  maxReadBufferLength: number
  maxWriteBufferLength?: number
  inactivityTimeout: number

  protected readonly writeHighWaterMark: number
  protected readonly writeLowWaterMark: number
  protected readonly maxWriteBufferSize: number
  protected readonly readHighWaterMark: number
  protected readonly closeTimeout: number
  readonly #connectionMode: boolean

  /** created when data arrives with nobody to take it; delivered whole */
  #readBuffer?: Uint8ArrayList
  /** bytes in the read buffer that came from the transport and were not credited yet (push/unshift add none) */
  #owed = 0
  #writeBuffer = new Uint8ArrayList()
  #transportBlocked = false
  #flushScheduled = false
  #deliverScheduled = false
  /** we asked the transport to stop delivering (sendPause) */
  #transportPaused = false
  /** send() returned false: the next fall to the low-water mark fires 'drain' */
  #needDrain = false
  #readableEnded = false
  /** closeRead() was called: nothing is delivered any more, not even pushed bytes */
  #readClosedLocally = false
  /** bytes handed to the transport, so a close deadline can tell a slow remote from a dead one */
  #sentBytes = 0
  #error?: Error
  /** the write side's close, once started (closeWrite) */
  #closing?: Promise<void>
  /** a handshake reply that incoming bytes go to first (expectReply) */
  #reply?: PendingReply
  readonly #readers = new Waiters<Uint8ArrayList | null>()
  // made when first waited on: most streams never wait for a drain, a flush or the remote's close
  #drain?: Waiters<void>
  #flushed?: Waiters<void>
  #closed?: Waiters<void>

  constructor (init: MessageStreamInit) {
    super()
    this.id = init.id
    this.direction = init.direction
    this.log = init.log
    this.timeline = { open: Date.now() }
    this.writeHighWaterMark = init.writeHighWaterMark ?? DEFAULT_WRITE_HIGH_WATER_BYTES
    this.writeLowWaterMark = Math.min(init.writeLowWaterMark ?? DEFAULT_WRITE_LOW_WATER_BYTES, this.writeHighWaterMark)
    this.maxWriteBufferSize = init.maxWriteBufferSize ?? DEFAULT_MAX_WRITE_BUFFER_BYTES
    this.readHighWaterMark = init.readHighWaterMark ?? DEFAULT_MAX_READ_BUFFER_BYTES
    this.closeTimeout = init.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT_MS
    this.maxReadBufferLength = init.maxReadBufferLength ?? DEFAULT_MAX_READ_BUFFER_LENGTH_BYTES
    this.maxWriteBufferLength = init.maxWriteBufferLength
    this.inactivityTimeout = init.inactivityTimeout ?? DEFAULT_INACTIVITY_TIMEOUT_MS
    this.#connectionMode = init.closeMode === 'connection'
  }

  // ---- hooks for implementations -------------------------------------------------------------

  /**
   * Hand bytes to the transport; it takes what it can from the front of `data`.
   *
   * `more` is true when the flush happens in the middle of a burst (a send() took the write buffer
   * over its high-water mark, so more bytes are likely to follow in this tick). An implementation
   * that cuts data into frames may then take whole frames only and leave the partial last one in
   * the buffer (return fewer bytes, canSendMore: true; taking 0 bytes ends the flush): the rest is
   * always flushed, with `more` false, at the end of the tick. One that keeps a partial frame even
   * then must flush it itself soon after (onTransportDrain() flushes; Noise does at the end of the
   * event loop's turn).
   */
  protected abstract sendData (data: Uint8ArrayList, more: boolean): SendResult
  /** tell the remote no more data follows (FIN); called once the write buffer is flushed */
  protected abstract sendCloseWrite (options?: AbortOptions): void | Promise<void>
  /** tell the remote we stop reading, where the transport can (most cannot: no-op) */
  protected abstract sendCloseRead (options?: AbortOptions): void | Promise<void>
  /** reset the stream on the wire (or destroy the socket) */
  protected abstract sendReset (err: Error): void
  /** stop the transport delivering data (socket.pause()); flow-controlled muxers need not */
  protected sendPause (): void {}
  /** resume delivery after sendPause() */
  protected sendResume (): void {}
  /** the application consumed (or closeRead dropped) this many bytes: muxers grant window credit here */
  protected onConsumed (_bytes: number): void {}
  /** the stream reached a final status: release transport resources */
  protected onFinished (): void {}

  // ---- events from the implementation --------------------------------------------------------

  /** bytes arrived from the remote */
  onData (data: Uint8Array | Uint8ArrayList): void {
    if (data.byteLength === 0) { return }
    if (this.#reply !== undefined) {
      this.#replyData(this.#reply, data)
      return
    }
    if (this.readStatus === 'closed' || this.readStatus === 'closing') {
      // closeRead() was called or the stream is done: drop, but keep the remote's credit flowing
      this.onConsumed(data.byteLength)
      return
    }
    if (this.#readBuffer === undefined && this.readStatus === 'readable') {
      // nothing queued before it: hand it over directly
      if (this.listenerCount('message') > 0) {
        this.onConsumed(data.byteLength)
        this.dispatchEvent(new StreamMessageEvent(data))
        return
      }
      if (this.#readers.size > 0) {
        this.onConsumed(data.byteLength)
        this.#readers.resolveFirst(data instanceof Uint8ArrayList ? data : new Uint8ArrayList(data))
        return
      }
    }
    this.#append(data)
    this.#owed += data.byteLength
    this.#deliver()
    this.#checkReadBuffer()
  }

  /** the remote closed its write side (EOF) */
  onRemoteCloseWrite (): void {
    if (this.remoteWriteStatus === 'closed' || this.#isFinal()) { return }
    if (this.#reply !== undefined) {
      this.abort(this.#reply.onEnd())
      return
    }
    this.remoteWriteStatus = 'closed'
    this.timelineEvent('remoteCloseWrite')
    if (this.listenerCount('remoteCloseWrite') > 0) { this.safeDispatchEvent('remoteCloseWrite') }
    if (this.#readBuffer === undefined) { this.#readEnded(false) }
    this.#maybeFinish()
  }

  /** the remote said it stops reading (WebRTC STOP_SENDING): unsent bytes are dropped */
  onRemoteCloseRead (): void {
    this.remoteReadStatus = 'closed'
    if (this.#writeBuffer.byteLength > 0) {
      this.#writeBuffer = new Uint8ArrayList()
      this.#afterFlush()
    }
  }

  /** the remote reset the stream */
  onRemoteReset (): void {
    this.#fail(new StreamResetError('the remote reset the stream'), 'reset', false)
  }

  /**
   * The transport under the stream closed. Without an error it counts as EOF in both directions
   * (unflushed writes make it an error); with one, the stream is aborted.
   */
  onTransportClosed (err?: Error): void {
    if (this.#isFinal()) { return }
    if (err == null && this.#writeBuffer.byteLength > 0) {
      err = new StreamStateError(`the transport closed with ${this.#writeBuffer.byteLength} bytes unsent`)
    }
    if (err != null) {
      this.#fail(err, 'aborted', false)
      return
    }
    this.writeStatus = 'closed'
    this.remoteReadStatus = 'closed'
    this.#flushed?.resolveAll()
    this.onRemoteCloseWrite()
    this.#maybeFinish()
  }

  /** the transport can take data again after sendData() returned canSendMore: false */
  onTransportDrain (): void {
    this.#transportBlocked = false
    this.#flush(false)
  }

  // ---- MessageStream -------------------------------------------------------------------------

  get writeBufferLength (): number {
    return this.#writeBuffer.byteLength
  }

  get readBufferLength (): number {
    return this.#readBuffer?.byteLength ?? 0
  }

  get writableNeedsDrain (): boolean {
    return this.#needDrain
  }

  get readableEnded (): boolean {
    return this.#readableEnded
  }

  get source (): AsyncIterable<Uint8ArrayList> {
    return this
  }

  addEventListener<K extends keyof MessageStreamEvents>(type: K, listener: EventHandler<MessageStreamEvents[K]> | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options)
    // what waited in the buffer goes to the new listener, after the caller finished setting up
    if (type === 'message' && this.#readBuffer !== undefined) { this.#scheduleDeliver() }
  }

  send (data: Uint8Array | Uint8ArrayList): boolean {
    if (this.writeStatus !== 'writable') {
      // js-libp2p 3 throws StreamStateError here whatever ended the stream; the cause says what did
      throw new StreamStateError(this.#error == null
        ? `cannot send: the write side is ${this.writeStatus}`
        : `cannot send: the stream was ${this.status} (${this.#error.message})`, { cause: this.#error })
    }
    // one large send into an empty buffer is allowed (the caller already holds those bytes);
    // piling sends on top of a buffer that has not drained is what the cap stops
    if (this.#writeBuffer.byteLength > 0 && this.#writeBuffer.byteLength + data.byteLength > this.maxWriteBufferSize) {
      throw new LimitExceededError('maxWriteBufferSize', this.maxWriteBufferSize, 'stream write buffer is full; wait for onDrain() when send() returns false')
    }
    if (data.byteLength === 0) { return this.#writeBuffer.byteLength < this.writeHighWaterMark }
    this.#writeBuffer.append(data)
    if (this.#writeBuffer.byteLength >= this.writeHighWaterMark) {
      this.#flush(true)
    } else {
      this.#scheduleFlush()
    }
    if (this.maxWriteBufferLength !== undefined && this.#writeBuffer.byteLength > this.maxWriteBufferLength) {
      this.abort(new StreamBufferError(`write buffer of ${this.#writeBuffer.byteLength} bytes is over maxWriteBufferLength ${this.maxWriteBufferLength}`))
      return false
    }
    const ok = this.#writeBuffer.byteLength < this.writeHighWaterMark
    if (!ok) { this.#needDrain = true }
    return ok
  }

  async onDrain (options?: AbortOptions): Promise<void> {
    if (this.#error != null) { throw this.#error }
    if (this.#writeBuffer.byteLength <= this.writeLowWaterMark) { return }
    if (this.writeStatus === 'closed') { throw new StreamStateError('the write side is closed') }
    await (this.#drain ??= new Waiters()).wait(options)
  }

  // not async: a pending read is the promise of the wait itself, with no second one wrapping it
  read (options?: AbortOptions): Promise<Uint8ArrayList | null> {
    if (this.#readBuffer !== undefined && this.readStatus !== 'paused' && this.#reply === undefined) {
      try {
        const out = this.#take()
        this.#delivered()
        return Promise.resolve(out)
      } catch (err) {
        return Promise.reject(err)
      }
    }
    if (this.#error != null) { return Promise.reject(this.#error) }
    if (this.readStatus === 'closed' || this.readStatus === 'closing') { return Promise.resolve(null) }
    if (this.remoteWriteStatus === 'closed' && this.#readBuffer === undefined && this.#reply === undefined) {
      return Promise.resolve(null)
    }
    return this.#readers.wait(options)
  }

  pause (): void {
    if (this.readStatus === 'closed' || this.readStatus === 'closing') {
      throw new StreamStateError(`cannot pause: the read side is ${this.readStatus}`)
    }
    if (this.readStatus === 'paused') { return }
    this.readStatus = 'paused'
    this.#pauseTransport()
  }

  resume (): void {
    if (this.readStatus === 'closed' || this.readStatus === 'closing') {
      throw new StreamStateError(`cannot resume: the read side is ${this.readStatus}`)
    }
    if (this.readStatus !== 'paused') { return }
    this.readStatus = 'readable'
    if (this.#readBuffer === undefined && this.remoteWriteStatus === 'closed') {
      this.#readEnded(false)
      return
    }
    this.#deliver()
    if (this.#transportPaused && (this.#readBuffer?.byteLength ?? 0) <= this.readHighWaterMark) {
      this.#transportPaused = false
      this.sendResume()
    }
  }

  push (data: Uint8Array | Uint8ArrayList): void {
    this.#checkPushable()
    if (data.byteLength === 0) { return }
    this.#append(data)
    this.#scheduleDeliver()
    this.#checkReadBuffer()
  }

  unshift (data: Uint8Array | Uint8ArrayList): void {
    this.#checkPushable()
    if (data.byteLength === 0) { return }
    if (this.#readBuffer === undefined && this.readStatus === 'readable' && this.#reply === undefined && this.#readers.size > 0 && this.listenerCount('message') === 0) {
      this.#readers.resolveFirst(data instanceof Uint8ArrayList ? data : new Uint8ArrayList(data))
      return
    }
    if (this.#readBuffer === undefined) {
      this.#readBuffer = new Uint8ArrayList(data)
    } else {
      this.#readBuffer.prepend(data)
    }
    this.#scheduleDeliver()
    this.#checkReadBuffer()
  }

  /**
   * `for await`: one read() per step. A plain iterator rather than an async generator, whose
   * machinery costs several objects and promises per chunk on every bulk reader's path; leaving the
   * loop early does not close the stream (return() only ends this iteration).
   */
  [Symbol.asyncIterator] (): AsyncIterableIterator<Uint8ArrayList> {
    let ended = false
    const step = (chunk: Uint8ArrayList | null): IteratorResult<Uint8ArrayList, undefined> => {
      if (chunk != null) { return { done: false, value: chunk } }
      ended = true
      return { done: true, value: undefined }
    }
    const iterator: AsyncIterableIterator<Uint8ArrayList> = {
      // not async: the read's own promise and one then(), no async function wrapping them
      next: () => ended ? Promise.resolve({ done: true, value: undefined }) : this.read().then(step),
      return: async () => {
        ended = true
        return { done: true, value: undefined }
      },
      // as a generator's: ends the iteration and rethrows (yield* delegation calls it)
      throw: async (err?: unknown) => {
        ended = true
        throw err
      },
      [Symbol.asyncIterator]: () => iterator
    }
    return iterator
  }

  async sink (source: ByteSource): Promise<void> {
    try {
      for await (const chunk of source) {
        if (!this.send(chunk)) {
          await this.onDrain()
        }
      }
      await this.closeWrite()
    } catch (err: any) {
      this.abort(err)
      throw err
    }
  }

  /**
   * js-libp2p 3's Stream.close(): flush, then EOF; reading goes on. A MultiaddrConnection's close()
   * (closeMode 'connection'): both ways, waiting for the remote (docs/STREAMS.md)
   */
  async close (options?: AbortOptions): Promise<void> {
    if (this.#connectionMode) {
      await this.closeGracefully(options)
      return
    }
    await this.closeWrite(options)
  }

  async closeWrite (options?: AbortOptions): Promise<void> {
    if (this.writeStatus === 'closed' && this.#closing === undefined) {
      if (this.#error != null) { throw this.#error }
      return
    }
    if (this.#closing === undefined) {
      this.writeStatus = 'closing'
      this.#closing = this.#closeWriteNow()
      // its failure reaches every caller through the await below; none is left unhandled
      this.#closing.catch(() => {})
    }
    const signal = options?.signal
    if (signal == null) {
      await this.#closing
      return
    }
    // as in js-libp2p 3, the caller's signal ends the caller's wait, not the close: the flush and
    // the EOF go on (bounded by the no-progress deadline)
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(signal.reason instanceof Error ? signal.reason : new AbortError()) }
      if (signal.aborted) { onAbort(); return }
      // followAbort: many streams closing under one shared signal (a connection's close) share one listener
      const unfollow = followAbort(signal, onAbort)
      ;(this.#closing as Promise<void>).then(resolve, reject).finally(unfollow)
    })
  }

  /** flush, wait for an optimistic handshake's reply, send EOF; once per stream */
  async #closeWriteNow (): Promise<void> {
    this.#flush(false)
    if (this.#writeBuffer.byteLength > 0) {
      const deadline = this.#flushDeadline()
      try {
        await (this.#flushed ??= new Waiters()).wait()
      } catch (err: any) {
        // our deadline aborted the stream with its TimeoutError; a reset keeps its error too
        throw this.#error ?? err
      } finally {
        deadline.cancel()
      }
    }
    // a FIN right behind an optimistic proposal would reach some listeners (js-libp2p 3.3) before
    // the data; it waits for the reply, which costs at most one round trip
    if (this.#reply !== undefined) { await this.#replySettled(this.#reply) }
    if (this.#isFinal()) {
      if (this.#error != null) { throw this.#error }
      return
    }
    await this.sendCloseWrite()
    this.writeStatus = 'closed'
    this.#flushed?.resolveAll()
    if (this.#drain !== undefined && this.#drain.size > 0) {
      // only when someone waits: an error's stack trace costs more than the rest of a close
      this.#drain.rejectAll(new StreamStateError('the write side is closed'))
    }
    this.#maybeFinish()
  }

  async closeRead (options?: AbortOptions): Promise<void> {
    // reading the reply needs the read side
    if (this.#reply !== undefined) { await this.#replySettled(this.#reply, options) }
    if (this.#readClosedLocally || this.#isFinal()) { return }
    this.#readClosedLocally = true
    this.readStatus = 'closed'
    this.#readBuffer = undefined
    const owed = this.#owed
    this.#owed = 0
    if (owed > 0) { this.onConsumed(owed) }
    if (this.#transportPaused) {
      this.#transportPaused = false
      this.sendResume()
    }
    this.#readers.resolveAll(null)
    this.#maybeEnd()
    await this.sendCloseRead(options)
    this.#maybeFinish()
  }

  /**
   * A whole-connection close, for MultiaddrConnection implementations' close(): closeWrite(), then
   * wait for the remote's EOF; aborts with TimeoutError after `closeTimeout` or with the caller's
   * signal.
   */
  protected async closeGracefully (options?: AbortOptions): Promise<void> {
    if (this.#isFinal()) { return }
    if (this.status === 'open') { this.status = 'closing' }
    // our deadline aborts the stream itself, which ends the waits below with its TimeoutError; a
    // deadline queue rather than an AbortSignal.timeout() (and AbortSignal.any()) per close
    const deadline = abortAfter(this, this.closeTimeout, closeTimeoutError)
    try {
      await this.closeWrite(options)
      if (!this.#isFinal()) {
        await (this.#closed ??= new Waiters()).wait(options)
      }
    } catch (err: any) {
      if (this.#error != null) { throw this.#error }
      this.abort(err)
      throw err
    } finally {
      deadline.cancel()
    }
    // reset or aborted while closing: the close did not happen cleanly
    if (this.#error != null) { throw this.#error }
  }

  abort (err: Error): void {
    this.#fail(err, 'aborted', true)
  }

  /**
   * Ours (multistream-select's optimistic select): the next incoming bytes are a handshake reply.
   * `parse` sees them as they accumulate and returns how many bytes the reply took once it is
   * complete (the rest is delivered as data) or undefined to wait for more; it throws to refuse
   * the reply, which aborts the stream with that error. `onEnd` makes the error for a remote EOF
   * before the reply. Until the reply is complete nothing is delivered, and close()/closeRead()
   * wait for it. Resolves when the reply was taken; rejects with the error the stream ended with.
   */
  expectReply (parse: (buffer: Uint8ArrayList) => number | undefined, onEnd: () => Error): Promise<void> {
    if (this.#error != null) { return Promise.reject(this.#error) }
    const reply: PendingReply = { parse, onEnd, buffer: new Uint8ArrayList(), waiters: new Waiters() }
    this.#reply = reply
    const settled = reply.waiters.wait()
    // what arrived before the call belongs to the reply too (a listener may send its multistream
    // header as soon as the connection opens, before the dialer proposes anything)
    if (this.#readBuffer !== undefined) {
      const buffered = this.#readBuffer
      const owed = this.#owed
      this.#readBuffer = undefined
      this.#owed = 0
      if (owed > 0) { this.onConsumed(owed) }
      reply.buffer.append(buffered)
      this.#replyParse(reply)
    }
    // the remote's EOF came before the reply was complete
    if (this.#reply === reply && this.remoteWriteStatus === 'closed') { this.abort(onEnd()) }
    return settled
  }

  // ---- internals

  #replyData (reply: PendingReply, data: Uint8Array | Uint8ArrayList): void {
    // the reply's bytes are consumed by us, not the application: credit them at once
    this.onConsumed(data.byteLength)
    reply.buffer.append(data)
    this.#replyParse(reply)
  }

  /** give the reply's parser what has accumulated; once it is complete, the rest is data */
  #replyParse (reply: PendingReply): void {
    let taken: number | undefined
    try {
      taken = reply.parse(reply.buffer)
    } catch (err: any) {
      this.abort(err)
      return
    }
    if (taken === undefined) { return }
    this.#reply = undefined
    reply.buffer.consume(taken)
    if (reply.buffer.byteLength > 0) {
      // already credited above: it owes nothing when delivered
      this.#append(reply.buffer)
    }
    reply.waiters.resolveAll()
    this.#deliver()
  }

  async #replySettled (reply: PendingReply, options?: AbortOptions): Promise<void> {
    try {
      await reply.waiters.wait(options)
    } catch (err: any) {
      if (this.#error != null) { throw this.#error }
      this.abort(err)
      throw err
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  protected timelineEvent (name: string): void {
    if (this.log.enabled) { this.log('%s %s', this.id, name) }
  }

  #append (data: Uint8Array | Uint8ArrayList): void {
    if (this.#readBuffer === undefined) {
      this.#readBuffer = new Uint8ArrayList(data)
    } else {
      this.#readBuffer.append(data)
    }
  }

  /**
   * js refuses bytes once the read side is closed. Ours refuses them after closeRead(), an abort or
   * a reset, but takes them after the remote's EOF (even once the stream is closed) (a handshake reader that read to the end
   * gives back what followed its message): the read side is open again until they are delivered
   */
  #checkPushable (): void {
    if (this.#readClosedLocally || this.#error != null) {
      throw this.#error ?? new StreamStateError(`cannot push data: the read side is ${this.readStatus}`)
    }
    if (this.readStatus === 'closed') { this.readStatus = 'readable' }
  }

  /** take the whole read buffer for delivery and credit what it owes */
  #take (): Uint8ArrayList {
    const out = this.#readBuffer as Uint8ArrayList
    this.#readBuffer = undefined
    const owed = this.#owed
    this.#owed = 0
    if (owed > 0) { this.onConsumed(owed) }
    return out
  }

  /**
   * After a delivery: resume a paused transport (only now: what it sends at once must come after
   * what was just delivered), and if the remote's EOF came before, the read side has ended
   */
  #delivered (): void {
    if (this.#transportPaused && this.readStatus === 'readable' && this.#readBuffer === undefined) {
      this.#transportPaused = false
      this.sendResume()
    }
    if (this.remoteWriteStatus === 'closed' && this.#readBuffer === undefined) { this.#readEnded(true) }
  }

  /** hand the read buffer to the listeners or a waiting read(), if there is one and we are not paused */
  #deliver (): void {
    if (this.#readBuffer === undefined || this.readStatus !== 'readable' || this.#reply !== undefined) { return }
    if (this.listenerCount('message') > 0) {
      this.dispatchEvent(new StreamMessageEvent(this.#take()))
    } else if (this.#readers.size > 0) {
      this.#readers.resolveFirst(this.#take())
    } else {
      return
    }
    this.#delivered()
  }

  #scheduleDeliver (): void {
    if (this.#deliverScheduled) { return }
    this.#deliverScheduled = true
    queueMicrotask(() => {
      this.#deliverScheduled = false
      this.#deliver()
    })
  }

  /** over the high-water mark the transport is paused; over js's hard cap the stream is aborted */
  #checkReadBuffer (): void {
    const buffered = this.#readBuffer?.byteLength ?? 0
    if (buffered > this.maxReadBufferLength) {
      this.abort(new StreamBufferError(`read buffer of ${buffered} bytes is over maxReadBufferLength ${this.maxReadBufferLength}`))
    } else if (buffered > this.readHighWaterMark) {
      this.#pauseTransport()
    }
  }

  #pauseTransport (): void {
    if (this.#transportPaused) { return }
    this.#transportPaused = true
    this.sendPause()
  }

  /**
   * Everything the remote sent before its EOF was delivered: waiting reads get null, `end` fires.
   * As in js-libp2p 3, readStatus turns `closed` only once data buffered before the EOF was
   * delivered, or the stream ended; an EOF that finds nothing buffered leaves it `readable`
   * (remoteWriteStatus and readableEnded tell the end)
   */
  #readEnded (delivered: boolean): void {
    if (this.readStatus !== 'paused') {
      if (delivered) { this.readStatus = 'closed' }
      this.#readers.resolveAll(null)
    }
    this.#maybeEnd()
  }

  #maybeEnd (): void {
    if (this.#readableEnded || this.#readBuffer !== undefined) { return }
    if (this.remoteWriteStatus !== 'closed' && this.readStatus !== 'closed') { return }
    this.#readableEnded = true
    if (this.listenerCount('end') > 0) { this.safeDispatchEvent('end') }
  }

  #flushDeadline (): { cancel(): void } {
    let sent = this.#sentBytes
    // re-armed while bytes keep leaving: only a flush that stalls for a whole closeTimeout aborts
    const target = {
      abort: (err: Error): void => {
        if (this.#sentBytes !== sent && !this.#isFinal()) {
          sent = this.#sentBytes
          current = abortAfter(target, this.closeTimeout, flushTimeoutError)
          return
        }
        this.abort(err)
      }
    }
    let current = abortAfter(target, this.closeTimeout, flushTimeoutError)
    return { cancel: () => { current.cancel() } }
  }

  #scheduleFlush (): void {
    if (this.#flushScheduled) { return }
    this.#flushScheduled = true
    // a closure per scheduled flush rather than one per stream kept for its whole life
    queueMicrotask(() => {
      this.#flushScheduled = false
      this.#flush(false)
    })
  }

  #flush (more: boolean): void {
    while (this.#writeBuffer.byteLength > 0 && !this.#transportBlocked && this.#error == null) {
      const { sentBytes, canSendMore } = this.sendData(this.#writeBuffer, more)
      if (sentBytes > 0) {
        this.#writeBuffer.consume(sentBytes)
        this.#sentBytes += sentBytes
      }
      if (!canSendMore) { this.#transportBlocked = true } else if (sentBytes === 0) { break }
    }
    if (more && this.#writeBuffer.byteLength > 0 && !this.#transportBlocked && this.#error == null) {
      // the transport kept a partial frame back: it leaves at the end of the tick at the latest
      this.#scheduleFlush()
    }
    this.#afterFlush()
  }

  #afterFlush (): void {
    if (this.#writeBuffer.byteLength <= this.writeLowWaterMark && (this.#needDrain || (this.#drain?.size ?? 0) > 0)) {
      this.#needDrain = false
      this.#drain?.resolveAll()
      if (this.listenerCount('drain') > 0) { this.safeDispatchEvent('drain') }
    }
    if (this.#writeBuffer.byteLength === 0) {
      this.#flushed?.resolveAll()
      if (this.listenerCount('idle') > 0) { this.safeDispatchEvent('idle') }
    }
  }

  #isFinal (): boolean {
    return this.status === 'closed' || this.status === 'aborted' || this.status === 'reset'
  }

  #maybeFinish (): void {
    // unread data may remain: it is still delivered after the stream is closed
    if (this.#isFinal() || this.writeStatus !== 'closed') { return }
    // a stream waits for the remote's EOF; a connection whose read side we closed does not
    if (this.remoteWriteStatus !== 'closed' && !(this.#connectionMode && this.#readClosedLocally)) { return }
    this.status = 'closed'
    this.remoteReadStatus = 'closed'
    this.#finish(undefined)
  }

  #fail (err: Error, status: 'aborted' | 'reset', sendReset: boolean): void {
    if (this.#isFinal()) { return }
    this.#error = err
    this.status = status
    this.readStatus = 'closed'
    this.writeStatus = 'closed'
    this.remoteReadStatus = 'closed'
    this.remoteWriteStatus = 'closed'
    this.#readBuffer = undefined
    this.#owed = 0
    this.#writeBuffer = new Uint8ArrayList()
    if (sendReset) {
      try {
        this.sendReset(err)
      } catch (e) {
        this.log.error('%s could not send reset - %e', this.id, e)
      }
    }
    if (this.#reply !== undefined) {
      const reply = this.#reply
      this.#reply = undefined
      reply.waiters.rejectAll(err)
    }
    this.#readers.rejectAll(err)
    this.#drain?.rejectAll(err)
    this.#flushed?.rejectAll(err)
    this.#closed?.rejectAll(err)
    this.#maybeEnd()
    this.#finish(err)
  }

  #finish (error: Error | undefined): void {
    if (this.#readBuffer === undefined && this.readStatus !== 'paused') { this.readStatus = 'closed' }
    this.timeline.close = Date.now()
    this.timelineEvent(error == null ? 'closed' : `${this.status}: ${error.message}`)
    this.#closed?.resolveAll()
    this.#flushed?.resolveAll()
    this.onFinished()
    if (this.listenerCount('close') === 0) { return }
    const event = error == null
      ? new StreamCloseEvent()
      : this.status === 'reset' ? new StreamResetEvent(error) : new StreamAbortEvent(error)
    this.dispatchEvent(event)
  }
}
