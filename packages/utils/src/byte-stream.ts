import { InvalidMessageError, MessageTooLargeError, StreamStateError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { decodeVarint, encodeVarint } from './varint.js'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

/** The default cap on one length-prefixed message (handshakes are small; protocols pass their own) */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024

export interface ReadMessageOptions extends AbortOptions {
  /** refuse a message whose declared length is larger (MessageTooLargeError) */
  maxDataLength?: number
}

export interface ProtobufDecoder<T> {
  decode(buf: Uint8Array | Uint8ArrayList): T
}

export interface ProtobufEncoder<T> {
  encode(message: T): Uint8Array
}

/** varint length prefix + data, without copying data */
export function lpEncode (data: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  return new Uint8ArrayList(encodeVarint(data.byteLength), data)
}

/**
 * Imperative reads and writes over a MessageStream, for handshakes (multistream-select, Noise,
 * identify, relay...). It reads ahead into its own buffer; `unwrap()` gives the stream back with
 * any bytes read past the last message returned to the stream's read buffer, so the next reader
 * (often the application) loses nothing.
 */
export class ByteStream<S extends MessageStream = MessageStream> {
  readonly #stream: S
  #buffer = new Uint8ArrayList()
  #unwrapped = false

  constructor (stream: S) {
    this.#stream = stream
  }

  /** read exactly `bytes` bytes; throws InvalidMessageError if the stream ends first */
  async read (bytes: number, options?: AbortOptions): Promise<Uint8ArrayList> {
    await this.#fill(bytes, options)
    const out = this.#buffer.sublist(0, bytes)
    this.#buffer.consume(bytes)
    return out
  }

  /** read one varint-length-prefixed message */
  async readLP (options?: ReadMessageOptions): Promise<Uint8ArrayList> {
    const max = options?.maxDataLength ?? DEFAULT_MAX_MESSAGE_BYTES
    let prefix = decodeVarint(this.#buffer)
    while (prefix == null) {
      await this.#pull(options)
      prefix = decodeVarint(this.#buffer)
    }
    if (prefix.value > max) {
      throw new MessageTooLargeError(`message of ${prefix.value} bytes is over the ${max} byte limit`)
    }
    this.#buffer.consume(prefix.bytes)
    return this.read(prefix.value, options)
  }

  /** read one length-prefixed protobuf message; decode failures become InvalidMessageError */
  async readPB<T> (codec: ProtobufDecoder<T>, options?: ReadMessageOptions): Promise<T> {
    const buf = await this.readLP(options)
    try {
      return codec.decode(buf)
    } catch (err: any) {
      throw new InvalidMessageError(`could not decode message: ${err?.message ?? err}`)
    }
  }

  /** send and wait for the stream to drain if it asks to */
  async write (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    this.#checkUsable()
    if (!this.#stream.send(data)) {
      await this.#stream.onDrain(options)
    }
  }

  async writeLP (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    await this.write(lpEncode(data), options)
  }

  async writePB<T> (message: T, codec: ProtobufEncoder<T>, options?: AbortOptions): Promise<void> {
    await this.writeLP(codec.encode(message), options)
  }

  /** bytes read from the stream but not yet returned by a read */
  get readableLength (): number {
    return this.#buffer.byteLength
  }

  /** give the stream back, returning read-ahead bytes to it; this ByteStream is unusable afterwards */
  unwrap (): S {
    this.#checkUsable()
    this.#unwrapped = true
    if (this.#buffer.byteLength > 0) {
      this.#stream.unshift(this.#buffer)
      this.#buffer = new Uint8ArrayList()
    }
    return this.#stream
  }

  async #fill (bytes: number, options?: AbortOptions): Promise<void> {
    while (this.#buffer.byteLength < bytes) {
      await this.#pull(options)
    }
  }

  async #pull (options?: AbortOptions): Promise<void> {
    this.#checkUsable()
    const chunk = await this.#stream.read(options)
    if (chunk == null) {
      throw new InvalidMessageError(`stream ended with ${this.#buffer.byteLength} bytes of an unfinished message`)
    }
    this.#buffer.append(chunk)
  }

  #checkUsable (): void {
    if (this.#unwrapped) {
      throw new StreamStateError('ByteStream was unwrapped')
    }
  }
}

export function byteStream<S extends MessageStream> (stream: S): ByteStream<S> {
  return new ByteStream(stream)
}
