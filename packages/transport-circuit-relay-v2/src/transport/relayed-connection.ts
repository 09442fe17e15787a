import type {
  AbortOptions, ByteSource, EventHandler, Logger, MessageStreamEvents, MultiaddrConnection, ReadStatus, Stream, StreamStatus,
  StreamTimeline, WriteStatus, Direction
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * A circuit as a raw connection for the upgrader: the hop stream (dialer) or the stop stream
 * (listener) after the relay said OK, with the circuit's address as remoteAddr. Every call goes
 * to the stream, so its bounds and back-pressure are the relayed connection's.
 */
export class RelayedConnection implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  readonly #stream: Stream

  constructor (stream: Stream, remoteAddr: Multiaddr) {
    this.#stream = stream
    this.remoteAddr = remoteAddr
  }

  get id (): string { return this.#stream.id }
  get direction (): Direction { return this.#stream.direction }
  get status (): StreamStatus { return this.#stream.status }
  get readStatus (): ReadStatus { return this.#stream.readStatus }
  get writeStatus (): WriteStatus { return this.#stream.writeStatus }
  get timeline (): StreamTimeline { return this.#stream.timeline }
  get log (): Logger { return this.#stream.log }
  get writableLength (): number { return this.#stream.writableLength }
  get readableLength (): number { return this.#stream.readableLength }
  get source (): AsyncIterable<Uint8ArrayList> { return this.#stream.source }

  [Symbol.asyncIterator] (): AsyncIterator<Uint8ArrayList> {
    return this.#stream[Symbol.asyncIterator]()
  }

  async read (options?: AbortOptions): Promise<Uint8ArrayList | null> { return this.#stream.read(options) }
  unshift (data: Uint8Array | Uint8ArrayList): void { this.#stream.unshift(data) }
  send (data: Uint8Array | Uint8ArrayList): boolean { return this.#stream.send(data) }
  async onDrain (options?: AbortOptions): Promise<void> { await this.#stream.onDrain(options) }
  async sink (source: ByteSource): Promise<void> { await this.#stream.sink(source) }
  async closeWrite (options?: AbortOptions): Promise<void> { await this.#stream.closeWrite(options) }
  async closeRead (options?: AbortOptions): Promise<void> { await this.#stream.closeRead(options) }
  async close (options?: AbortOptions): Promise<void> { await this.#stream.close(options) }
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
