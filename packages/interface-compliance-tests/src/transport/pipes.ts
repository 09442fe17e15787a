import { AbortError } from '@libp2p/interface'
import type { AbortOptions, MessageStream, MultiaddrConnection, Stream, StreamMuxer } from '@libp2p/interface'

/** A value that is set once; readers wait for it, each with its own signal */
export class Eventually<T> {
  #value?: T
  #set = false
  #waiters: Array<(value: T) => void> = []

  get value (): T | undefined {
    return this.#value
  }

  /** the first call wins; later ones are ignored */
  set (value: T): void {
    if (this.#set) { return }
    this.#set = true
    this.#value = value
    for (const resolve of this.#waiters.splice(0)) { resolve(value) }
  }

  async get (what: string, options?: AbortOptions): Promise<T> {
    if (this.#set) { return this.#value as T }
    const signal = options?.signal
    if (signal?.aborted === true) { throw new AbortError(`waiting for ${what} was aborted`) }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter(w => w !== done)
        reject(new AbortError(`waiting for ${what} was aborted`))
      }
      const done = (value: T): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve(value)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(done)
    })
  }
}

/**
 * The byte stream the suite's data tests use on one raw connection. A transport that carries
 * bytes itself (TCP, WebSockets, a circuit) is its own pipe. A transport that brings its own
 * muxer (WebRTC: the raw connection stands for the peer connection and carries nothing; data
 * channels are the streams) gets one stream as its pipe: the dialer opens it once the upgrade
 * made the muxer, the listener takes the first stream the remote opened.
 */
export class Pipe {
  readonly maConn: MultiaddrConnection
  readonly native: boolean
  readonly #muxer = new Eventually<StreamMuxer>()
  readonly #incoming = new Eventually<Stream>()
  #outgoing?: Promise<Stream>

  constructor (maConn: MultiaddrConnection, native: boolean) {
    this.maConn = maConn
    this.native = native
  }

  get muxer (): StreamMuxer | undefined {
    return this.#muxer.value
  }

  /** the upgrade made the transport's muxer: remember the first stream the remote opens */
  setMuxer (muxer: StreamMuxer): void {
    muxer.addEventListener('stream', (evt) => { this.#incoming.set(evt.detail) })
    // a muxer may accept the streams that arrived before it existed while it is built
    const early = muxer.streams.find(s => s.direction === 'inbound')
    if (early != null) { this.#incoming.set(early) }
    this.#muxer.set(muxer)
  }

  async get (options?: AbortOptions): Promise<MessageStream> {
    if (!this.native) { return this.maConn }
    if (this.maConn.direction === 'inbound') {
      return this.#incoming.get(`the first stream on ${this.maConn.id}`, options)
    }
    this.#outgoing ??= this.#muxer.get(`the muxer of ${this.maConn.id}`, options).then(async muxer => muxer.createStream(options))
    return this.#outgoing
  }
}
