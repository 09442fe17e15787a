import { LimitExceededError, StreamResetError, StreamStateError, TimeoutError, TypedEventEmitter } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { abortAfter } from './abort-after.js'
import {
  DEFAULT_CLOSE_TIMEOUT_MS, DEFAULT_MAX_READ_BUFFER_BYTES, DEFAULT_MAX_WRITE_BUFFER_BYTES,
  DEFAULT_WRITE_HIGH_WATER_BYTES, DEFAULT_WRITE_LOW_WATER_BYTES
} from './constants.js'
import { Waiters } from './waiters.js'
import type {
  AbortOptions, ByteSource, Direction, Logger, MessageStream, MessageStreamEvents, ReadStatus,
  StreamStatus, StreamTimeline, WriteStatus
} from '@libp2p/interface'

function closeTimeoutError (ms: number): Error {
  return new TimeoutError(`stream did not close within ${ms} ms`)
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
  /** ms close() waits for the remote's EOF before aborting with TimeoutError (default 5 s) */
  closeTimeout?: number
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
export abstract class AbstractMessageStream<Events extends MessageStreamEvents = MessageStreamEvents> extends TypedEventEmitter<Events> implements MessageStream<Events> {
  readonly id: string
  readonly direction: Direction
  readonly log: Logger
  readonly timeline: StreamTimeline
  status: StreamStatus = 'open'
  readStatus: ReadStatus = 'readable'
  writeStatus: WriteStatus = 'writable'

  protected readonly writeHighWaterMark: number
  protected readonly writeLowWaterMark: number
  protected readonly maxWriteBufferSize: number
  protected readonly readHighWaterMark: number
  protected readonly closeTimeout: number

  /** created when data arrives with no reader waiting; read() hands it over whole */
  #readBuffer?: Uint8ArrayList
  #writeBuffer = new Uint8ArrayList()
  #transportBlocked = false
  #flushScheduled = false
  #readPaused = false
  /** bytes at the front of the read buffer that came back through unshift() and were already credited */
  #recredited = 0
  /** send() returned false: the next fall to the low-water mark fires 'drain' */
  #needDrain = false
  #error?: Error
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
  }

  // ---- hooks for implementations -------------------------------------------------------------

  /**
   * Hand bytes to the transport; it takes what it can from the front of `data`.
   *
   * `more` is true when the flush happens in the middle of a burst (a send() took the write buffer
   * over its high-water mark, so more bytes are likely to follow in this tick). An implementation
   * that cuts data into frames may then take whole frames only and leave the partial last one in
   * the buffer (return fewer bytes, canSendMore: true; taking 0 bytes ends the flush): the rest is
   * always flushed, with `more` false, at the end of the tick.
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
    if (this.readStatus !== 'readable') {
      // closeRead() was called or the stream is done: drop, but keep the remote's credit flowing
      this.onConsumed(data.byteLength)
      return
    }
    if (this.#readBuffer === undefined && this.#readers.size > 0) {
      const list = data instanceof Uint8ArrayList ? data : new Uint8ArrayList(data)
      this.onConsumed(list.byteLength)
      this.#readers.resolveFirst(list)
      return
    }
    if (data.byteLength === 0) { return }
    if (this.#readBuffer === undefined) {
      this.#readBuffer = new Uint8ArrayList(data)
    } else {
      this.#readBuffer.append(data)
    }
    if (!this.#readPaused && this.#readBuffer.byteLength > this.readHighWaterMark) {
      this.#readPaused = true
      this.sendPause()
    }
  }

  /** the remote closed its write side (EOF) */
  onRemoteCloseWrite (): void {
    if (this.readStatus === 'closed') { return }
    this.readStatus = 'closed'
    this.timelineEvent('remoteCloseWrite')
    if (this.#readBuffer === undefined) {
      this.#readers.resolveAll(null)
    }
    this.#maybeFinish()
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
    this.#flushed?.resolveAll()
    this.onRemoteCloseWrite()
    // the read side may have ended before (EOF or closeRead): then both directions are closed now
    this.#maybeFinish()
  }

  /** the transport can take data again after sendData() returned canSendMore: false */
  onTransportDrain (): void {
    this.#transportBlocked = false
    this.#flush(false)
  }

  // ---- MessageStream -------------------------------------------------------------------------

  get writableLength (): number {
    return this.#writeBuffer.byteLength
  }

  get readableLength (): number {
    return this.#readBuffer?.byteLength ?? 0
  }

  get source (): AsyncIterable<Uint8ArrayList> {
    return this
  }

  send (data: Uint8Array | Uint8ArrayList): boolean {
    if (this.writeStatus !== 'writable') {
      throw this.#error ?? new StreamStateError(`cannot send: the write side is ${this.writeStatus}`)
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
    const out = this.#readBuffer
    if (out !== undefined) {
      this.#readBuffer = undefined
      try {
        const fresh = out.byteLength - this.#recredited
        this.#recredited = 0
        if (fresh > 0) { this.onConsumed(fresh) }
        if (this.#readPaused) {
          this.#readPaused = false
          this.sendResume()
        }
        this.#maybeFinish()
      } catch (err) {
        return Promise.reject(err)
      }
      return Promise.resolve(out)
    }
    if (this.#error != null) { return Promise.reject(this.#error) }
    if (this.readStatus === 'closed') { return Promise.resolve(null) }
    return this.#readers.wait(options)
  }

  unshift (data: Uint8Array | Uint8ArrayList): void {
    if (data.byteLength === 0) { return }
    if (this.#readers.size > 0) {
      this.#readers.resolveFirst(data instanceof Uint8ArrayList ? data : new Uint8ArrayList(data))
      return
    }
    if (this.#readBuffer === undefined) {
      this.#readBuffer = new Uint8ArrayList(data)
    } else {
      this.#readBuffer.prepend(data)
    }
    this.#recredited += data.byteLength
  }

  async * [Symbol.asyncIterator] (): AsyncGenerator<Uint8ArrayList, void, undefined> {
    while (true) {
      const chunk = await this.read()
      if (chunk == null) { return }
      yield chunk
    }
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

  async closeWrite (options?: AbortOptions): Promise<void> {
    if (this.writeStatus === 'closed') { return }
    if (this.writeStatus === 'closing') {
      await this.#closedOrFlushed(options)
      return
    }
    this.writeStatus = 'closing'
    this.#flush(false)
    if (this.#writeBuffer.byteLength > 0) {
      await (this.#flushed ??= new Waiters()).wait(options)
    }
    if (this.#isFinal()) { return }
    await this.sendCloseWrite(options)
    this.writeStatus = 'closed'
    this.#flushed?.resolveAll()
    if (this.#drain !== undefined && this.#drain.size > 0) {
      // only when someone waits: an error's stack trace costs more than the rest of a close
      this.#drain.rejectAll(new StreamStateError('the write side is closed'))
    }
    this.#maybeFinish()
  }

  async closeRead (options?: AbortOptions): Promise<void> {
    if (this.readStatus === 'closed') { return }
    this.readStatus = 'closed'
    const dropped = this.#readBuffer?.byteLength ?? 0
    this.#readBuffer = undefined
    if (dropped > 0) { this.onConsumed(dropped) }
    if (this.#readPaused) {
      this.#readPaused = false
      this.sendResume()
    }
    this.#readers.resolveAll(null)
    await this.sendCloseRead(options)
    this.#maybeFinish()
  }

  async close (options?: AbortOptions): Promise<void> {
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
      // our deadline: the stream was aborted with its TimeoutError; a reset keeps its error too
      if (this.#error != null) { throw this.#error }
      // the caller's abort: it keeps its error
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

  // ---- internals -----------------------------------------------------------------------------

  protected timelineEvent (name: string): void {
    if (this.log.enabled) { this.log('%s %s', this.id, name) }
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
      if (sentBytes > 0) { this.#writeBuffer.consume(sentBytes) }
      if (!canSendMore) { this.#transportBlocked = true } else if (sentBytes === 0) { break }
    }
    if (more && this.#writeBuffer.byteLength > 0 && !this.#transportBlocked && this.#error == null) {
      // the transport kept a partial frame back: it leaves at the end of the tick at the latest
      this.#scheduleFlush()
    }
    if (this.#writeBuffer.byteLength <= this.writeLowWaterMark && (this.#needDrain || (this.#drain?.size ?? 0) > 0)) {
      this.#needDrain = false
      this.#drain?.resolveAll()
      if (this.listenerCount('drain') > 0) { this.safeDispatchEvent('drain') }
    }
    if (this.#writeBuffer.byteLength === 0) {
      this.#flushed?.resolveAll()
    }
  }

  async #closedOrFlushed (options?: AbortOptions): Promise<void> {
    if (this.writeStatus !== 'closed') { await (this.#flushed ??= new Waiters()).wait(options) }
  }

  #isFinal (): boolean {
    return this.status === 'closed' || this.status === 'aborted' || this.status === 'reset'
  }

  #maybeFinish (): void {
    // unread data may remain: read() still returns it after the stream is closed
    if (this.#isFinal() || this.readStatus !== 'closed' || this.writeStatus !== 'closed') { return }
    this.status = 'closed'
    this.#finish(undefined)
  }

  #fail (err: Error, status: 'aborted' | 'reset', sendReset: boolean): void {
    if (this.#isFinal()) { return }
    this.#error = err
    this.status = status
    this.readStatus = 'closed'
    this.writeStatus = 'closed'
    this.#readBuffer = undefined
    this.#writeBuffer = new Uint8ArrayList()
    if (sendReset) {
      try {
        this.sendReset(err)
      } catch (e) {
        this.log.error('%s could not send reset - %e', this.id, e)
      }
    }
    this.#readers.rejectAll(err)
    this.#drain?.rejectAll(err)
    this.#flushed?.rejectAll(err)
    this.#closed?.rejectAll(err)
    this.#finish(err)
  }

  #finish (error: Error | undefined): void {
    this.timeline.close = Date.now()
    this.timelineEvent(error == null ? 'closed' : `${this.status}: ${error.message}`)
    this.#closed?.resolveAll()
    this.#flushed?.resolveAll()
    this.onFinished()
    this.safeDispatchEvent('close', { detail: { error } })
  }
}
