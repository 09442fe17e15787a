import { ProtocolError, UnsupportedProtocolError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { NOT_AVAILABLE } from './constants.js'
import { MessageReader, readHeader } from './message-reader.js'
import { quote } from './messages.js'
import { raceSignal } from './signals.js'
import type {
  AbortOptions, ByteSource, Direction, EventHandler, Logger, MessageStream, MessageStreamEvents,
  ReadStatus, StreamStatus, StreamTimeline, WriteStatus
} from '@libp2p/interface'
import type { AbortDeadline } from '@libp2p/utils'

export interface LazyStreamInit {
  maxDataLength: number
  /** bounds the wait for the confirmation; the stream is aborted if it fires first */
  signal?: AbortSignal
  /** the same as a deadline: cancelled once the negotiation settled */
  deadline?: AbortDeadline
  log: Logger
}

type Inner = MessageStream & { protocol?: string, metadata?: unknown, remoteAddr?: unknown }

/**
 * A stream on which the dialer proposed one protocol and did not wait for the answer. It has the
 * interface of the stream it wraps and delegates to it explicitly; the only differences are on
 * the read side, which first consumes the remote's confirmation (read in the background as soon
 * as the stream is created), and in close()/closeWrite()/closeRead(), which wait for the outcome
 * so that a protocol that never reads still learns of a refusal (closeWrite() sends its FIN only
 * after the confirmation).
 *
 * Writes pass straight through: they follow the proposal on the wire, which is the point.
 */
export class LazyStream implements MessageStream {
  readonly #inner: Inner
  #negotiating = true
  #error?: Error
  /** bytes read past the confirmation (and anything unshift()ed), served before the inner stream's */
  #pending?: Uint8ArrayList
  /** settles (never rejects) when the negotiation succeeded or failed */
  readonly #settled: Promise<void>

  constructor (inner: MessageStream, protocol: string, init: LazyStreamInit) {
    this.#inner = inner
    // Stream's metadata and MultiaddrConnection's remoteAddr, only where the inner stream has them.
    // The getters are shared functions: a closure made here would keep this constructor's scope,
    // and with it `init` and its signal, for as long as the stream lives
    if ('metadata' in inner) {
      Object.defineProperty(this, 'metadata', { get: LazyStream.#getMetadata, enumerable: true })
    }
    if ('remoteAddr' in inner) {
      Object.defineProperty(this, 'remoteAddr', { get: LazyStream.#getRemoteAddr, enumerable: true })
    }
    this.#settled = this.#confirm(protocol, init).then(
      (rest) => {
        init.deadline?.cancel()
        if (rest.byteLength > 0) {
          if (this.#pending == null) { this.#pending = rest } else { this.#pending.append(rest) }
        }
        this.#negotiating = false
        if (init.log.enabled) { init.log('%s multistream-select: %s confirmed', inner.id, protocol) }
      },
      (err: Error) => {
        init.deadline?.cancel()
        this.#error = err
        this.#negotiating = false
        this.#pending = undefined
        init.log('%s multistream-select: optimistic proposal of %s failed - %s', inner.id, protocol, err.message)
        this.#inner.abort(err)
      }
    )
  }

  static #getMetadata (this: LazyStream): unknown {
    return this.#inner.metadata
  }

  static #getRemoteAddr (this: LazyStream): unknown {
    return this.#inner.remoteAddr
  }

  async #confirm (protocol: string, init: LazyStreamInit): Promise<Uint8ArrayList> {
    const reader = new MessageReader(this.#inner, init.maxDataLength)
    const options = { signal: init.signal }
    await readHeader(reader, options)
    const answer = await reader.read(options)
    if (answer === protocol) {
      return reader.take()
    }
    if (answer === NOT_AVAILABLE) {
      throw new UnsupportedProtocolError(`the remote does not support ${quote(protocol)}`)
    }
    throw new ProtocolError(`expected ${quote(protocol)} or "na" in answer to a multistream-select proposal, got ${quote(answer)}`)
  }

  /** resolves once the remote confirmed; rejects with the negotiation's error */
  async #outcome (options?: AbortOptions): Promise<void> {
    if (this.#negotiating) {
      await raceSignal(this.#settled, options?.signal)
    }
    if (this.#error != null) { throw this.#error }
  }

  // ---- Stream / MultiaddrConnection extras ----------------------------------------------------

  get protocol (): string {
    return this.#inner.protocol ?? ''
  }

  set protocol (protocol: string) {
    this.#inner.protocol = protocol
  }

  // ---- state, delegated ------------------------------------------------------------------------

  get id (): string { return this.#inner.id }
  get direction (): Direction { return this.#inner.direction }
  get status (): StreamStatus { return this.#inner.status }
  get readStatus (): ReadStatus { return this.#inner.readStatus }
  get writeStatus (): WriteStatus { return this.#inner.writeStatus }
  get timeline (): StreamTimeline { return this.#inner.timeline }
  get log (): Logger { return this.#inner.log }
  get writableLength (): number { return this.#inner.writableLength }
  get readableLength (): number { return this.#inner.readableLength + (this.#pending?.byteLength ?? 0) }

  // ---- reading ---------------------------------------------------------------------------------

  read (options?: AbortOptions): Promise<Uint8ArrayList | null> {
    if (this.#negotiating || this.#error != null) {
      return this.#readAfterOutcome(options)
    }
    const pending = this.#pending
    if (pending != null) {
      this.#pending = undefined
      // like the inner stream's own buffer, read-ahead is dropped when the stream fails
      if (this.#inner.status !== 'aborted' && this.#inner.status !== 'reset') {
        return Promise.resolve(pending)
      }
    }
    return this.#inner.read(options)
  }

  async #readAfterOutcome (options?: AbortOptions): Promise<Uint8ArrayList | null> {
    await this.#outcome(options)
    return this.read(options)
  }

  unshift (data: Uint8Array | Uint8ArrayList): void {
    if (data.byteLength === 0) { return }
    if (this.#negotiating || this.#pending != null) {
      if (this.#pending == null) {
        this.#pending = new Uint8ArrayList(data)
      } else {
        this.#pending.prepend(data)
      }
      return
    }
    this.#inner.unshift(data)
  }

  get source (): AsyncIterable<Uint8ArrayList> {
    return this
  }

  async * [Symbol.asyncIterator] (): AsyncGenerator<Uint8ArrayList, void, undefined> {
    while (true) {
      const chunk = await this.read()
      if (chunk == null) { return }
      yield chunk
    }
  }

  // ---- writing ---------------------------------------------------------------------------------

  send (data: Uint8Array | Uint8ArrayList): boolean {
    return this.#inner.send(data)
  }

  async onDrain (options?: AbortOptions): Promise<void> {
    await this.#inner.onDrain(options)
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

  // ---- closing ---------------------------------------------------------------------------------

  /**
   * The FIN waits for the listener's confirmation (data does not). A js-libp2p 3.3 listener that
   * reads the proposal, the data and the FIN together reports the end of the stream before it
   * hands the data back to it: its handler then either never sees the end (reading with
   * `for await`) or sees it without the data (waiting for 'end'). Holding the FIN costs at most
   * one round trip, and only to a protocol that closes within it.
   */
  async closeWrite (options?: AbortOptions): Promise<void> {
    await this.#outcome(options)
    await this.#inner.closeWrite(options)
  }

  /** reading the confirmation needs the read side, so this waits for it first */
  async closeRead (options?: AbortOptions): Promise<void> {
    await this.#outcome(options)
    this.#pending = undefined
    await this.#inner.closeRead(options)
  }

  async close (options?: AbortOptions): Promise<void> {
    await this.closeWrite(options)
    await this.#inner.close(options)
  }

  abort (err: Error): void {
    this.#pending = undefined
    this.#inner.abort(err)
  }

  // ---- events, delegated -----------------------------------------------------------------------

  addEventListener<K extends keyof MessageStreamEvents>(type: K, listener: EventHandler<MessageStreamEvents[K]> | null, options?: boolean | AddEventListenerOptions): void {
    this.#inner.addEventListener(type, listener, options)
  }

  removeEventListener<K extends keyof MessageStreamEvents>(type: K, listener?: EventHandler<MessageStreamEvents[K]> | null, options?: boolean | EventListenerOptions): void {
    this.#inner.removeEventListener(type, listener, options)
  }

  listenerCount (type: keyof MessageStreamEvents): number {
    return this.#inner.listenerCount(type)
  }

  dispatchEvent (event: Event): boolean {
    return this.#inner.dispatchEvent(event)
  }

  safeDispatchEvent<K extends keyof MessageStreamEvents>(type: K, detail?: CustomEventInit<MessageStreamEvents[K] extends CustomEvent<infer D> ? D : unknown>): boolean {
    return this.#inner.safeDispatchEvent(type, detail)
  }
}
