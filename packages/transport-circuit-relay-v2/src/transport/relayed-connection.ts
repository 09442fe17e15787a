import { TimeoutError } from '@libp2p/interface'
import { abortAfter, DEFAULT_CLOSE_TIMEOUT_MS, Waiters } from '@libp2p/utils'
import type {
  AbortOptions, ByteSource, EventHandler, Logger, MessageStreamEvents, MultiaddrConnection, ReadStatus, Stream, StreamStatus,
  StreamTimeline, WriteStatus, Direction
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

type ReplyStream = Stream & { expectReply?(parse: (buffer: Uint8ArrayList) => number | undefined, onEnd: () => Error): Promise<void> }

function isFinal (status: StreamStatus): boolean {
  return status === 'closed' || status === 'aborted' || status === 'reset'
}

/**
 * A circuit as a raw connection for the upgrader: the hop stream (dialer) or the stop stream
 * (listener) after the relay said OK, with the circuit's address as remoteAddr. Every call goes
 * to the stream, so its bounds and back-pressure are the relayed connection's. close() is a
 * connection's close: the stream's close (FIN), then the remote's, within closeTimeout ms.
 */
export class RelayedConnection implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  /** the bytes go through the relay */
  readonly direct = false
  readonly #stream: ReplyStream
  readonly #closeTimeout: number

  constructor (stream: Stream, remoteAddr: Multiaddr, closeTimeout = DEFAULT_CLOSE_TIMEOUT_MS) {
    this.#stream = stream
    this.remoteAddr = remoteAddr
    this.#closeTimeout = closeTimeout
    // select() is optimistic only on streams that can take the reply off the front themselves
    if (typeof this.#stream.expectReply === 'function') {
      this.expectReply = async (parse, onEnd) => { await this.#stream.expectReply?.(parse, onEnd) }
    }
  }

  expectReply?: (parse: (buffer: Uint8ArrayList) => number | undefined, onEnd: () => Error) => Promise<void>

  get id (): string { return this.#stream.id }
  get direction (): Direction { return this.#stream.direction }
  get status (): StreamStatus { return this.#stream.status }
  get readStatus (): ReadStatus { return this.#stream.readStatus }
  get writeStatus (): WriteStatus { return this.#stream.writeStatus }
  get timeline (): StreamTimeline { return this.#stream.timeline }
  get log (): Logger { return this.#stream.log }
  get remoteReadStatus (): ReadStatus { return this.#stream.remoteReadStatus }
  get remoteWriteStatus (): WriteStatus { return this.#stream.remoteWriteStatus }
  get writeBufferLength (): number { return this.#stream.writeBufferLength }
  get readBufferLength (): number { return this.#stream.readBufferLength }
  get writableNeedsDrain (): boolean { return this.#stream.writableNeedsDrain }
  get readableEnded (): boolean { return this.#stream.readableEnded }
  get maxReadBufferLength (): number { return this.#stream.maxReadBufferLength }
  set maxReadBufferLength (value: number) { this.#stream.maxReadBufferLength = value }
  get maxWriteBufferLength (): number | undefined { return this.#stream.maxWriteBufferLength }
  set maxWriteBufferLength (value: number | undefined) { this.#stream.maxWriteBufferLength = value }
  get inactivityTimeout (): number { return this.#stream.inactivityTimeout }
  set inactivityTimeout (value: number) { this.#stream.inactivityTimeout = value }
  get source (): AsyncIterable<Uint8ArrayList> { return this.#stream.source }

  [Symbol.asyncIterator] (): AsyncIterator<Uint8ArrayList> {
    return this.#stream[Symbol.asyncIterator]()
  }

  async read (options?: AbortOptions): Promise<Uint8ArrayList | null> { return this.#stream.read(options) }
  unshift (data: Uint8Array | Uint8ArrayList): void { this.#stream.unshift(data) }
  push (data: Uint8Array | Uint8ArrayList): void { this.#stream.push(data) }
  pause (): void { this.#stream.pause() }
  resume (): void { this.#stream.resume() }
  send (data: Uint8Array | Uint8ArrayList): boolean { return this.#stream.send(data) }
  async onDrain (options?: AbortOptions): Promise<void> { await this.#stream.onDrain(options) }
  async sink (source: ByteSource): Promise<void> { await this.#stream.sink(source) }
  async closeWrite (options?: AbortOptions): Promise<void> { await this.#stream.closeWrite(options) }
  async closeRead (options?: AbortOptions): Promise<void> { await this.#stream.closeRead(options) }
  async close (options?: AbortOptions): Promise<void> {
    await this.#stream.close(options)
    if (isFinal(this.#stream.status)) { return }
    const closed = new Waiters<void>()
    const onClose = (): void => { closed.resolveAll() }
    this.#stream.addEventListener('close', onClose)
    const deadline = abortAfter(this.#stream, this.#closeTimeout, ms => new TimeoutError(`the relayed connection did not close within ${ms} ms`))
    try {
      if (!isFinal(this.#stream.status)) { await closed.wait(options) }
    } catch (err: any) {
      this.#stream.abort(err)
      throw err
    } finally {
      deadline.cancel()
      this.#stream.removeEventListener('close', onClose)
    }
  }

  abort (err: Error): void { this.#stream.abort(err) }

  addEventListener<K extends keyof MessageStreamEvents>(type: K, listener: EventHandler<MessageStreamEvents[K]> | null, options?: boolean | AddEventListenerOptions): void {
    this.#stream.addEventListener(type, listener, options)
  }

  removeEventListener<K extends keyof MessageStreamEvents>(type: K, listener?: EventHandler<MessageStreamEvents[K]> | null, options?: boolean | EventListenerOptions): void {
    this.#stream.removeEventListener(type, listener, options)
  }

  listenerCount (type: keyof MessageStreamEvents): number { return this.#stream.listenerCount(type) }
  dispatchEvent (event: Event): boolean { return this.#stream.dispatchEvent(event) }
  safeDispatchEvent<K extends keyof MessageStreamEvents>(type: K, detail?: CustomEventInit<MessageStreamEvents[K] extends CustomEvent<infer D> ? D : unknown>): boolean {
    return this.#stream.safeDispatchEvent(type, detail)
  }
}
