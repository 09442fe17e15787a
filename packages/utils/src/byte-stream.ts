import { InvalidMessageError, InvalidParametersError, MessageTooLargeError, StreamBufferError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { UnwrappedError } from './errors.js'
import { decodeVarint, encodeVarint, MAX_VARINT_BYTES, varintLength } from './varint.js'
import type { ByteStream, LengthPrefixedStreamOpts, ReadBytesOptions } from './stream-utils.js'
import type { DecodedVarint } from './varint.js'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

/** The default cap on one length-prefixed message (handshakes are small; protocols pass their own) */
export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024

/** The default cap on the bytes one read may wait to collect (js-libp2p's maxBufferSize default) */
export const DEFAULT_MAX_BUFFER_BYTES = 4 * 1024 * 1024

export interface ReadMessageOptions extends AbortOptions, Partial<Pick<LengthPrefixedStreamOpts, 'lengthDecoder' | 'maxLengthLength'>> {
  /** refuse a message whose declared length is larger (default DEFAULT_MAX_MESSAGE_BYTES) */
  maxDataLength?: number
}

/** what readPB() needs of a protobuf codec (protons' generated `decode` fits) */
export interface MessageDecoder<T> {
  decode(buf: Uint8Array | Uint8ArrayList): T
}

/** what writePB() needs of a protobuf codec (protons' generated `encode` fits) */
export interface MessageEncoder<T> {
  encode(message: T): Uint8Array
}

type ErrorClass = new (message: string) => Error

/** The error class thrown for each way a read can fail */
export interface ReadErrors {
  /** the stream ended before a read had all its bytes */
  EOFError: ErrorClass
  /** a length prefix announced more than maxDataLength */
  DataLengthError: ErrorClass
  /** a length prefix took more than maxLengthLength bytes */
  LengthLengthError: ErrorClass
  /** a length prefix decoded to something that is not a non-negative integer */
  MessageLengthError: ErrorClass
}

/** Our handshakes' names: a truncated or malformed message is InvalidMessageError, an oversized one MessageTooLargeError */
export const HANDSHAKE_READ_ERRORS: ReadErrors = {
  EOFError: InvalidMessageError,
  DataLengthError: MessageTooLargeError,
  LengthLengthError: MessageTooLargeError,
  MessageLengthError: InvalidMessageError
}

export interface HandshakeStreamInit {
  /**
   * Bytes: the most one read may wait to collect (default DEFAULT_MAX_BUFFER_BYTES). A read that
   * needs more fails with StreamBufferError and aborts the stream, as js-libp2p's does.
   */
  maxBufferSize?: number
  /** the error classes a failed read throws (default HANDSHAKE_READ_ERRORS) */
  errors?: ReadErrors
}

/** varint length prefix + data, without copying data */
export function lpEncode (data: Uint8Array | Uint8ArrayList): Uint8ArrayList {
  return new Uint8ArrayList(encodeVarint(data.byteLength), data)
}

/** a lengthDecoder (js-libp2p's contract: RangeError while more bytes are needed) for unsigned varints */
export function decodeVarintLength (data: Uint8ArrayList): number {
  // a varint shorter than the longest allowed that has not ended yet may still end: more bytes are needed
  const end = Math.min(data.byteLength, MAX_VARINT_BYTES)
  let terminated = false
  for (let i = 0; i < end && !terminated; i++) { terminated = (data.get(i) & 0x80) === 0 }
  const decoded = terminated || data.byteLength > MAX_VARINT_BYTES ? decodeVarint(data) : undefined
  if (decoded === undefined) {
    throw new RangeError('the varint needs more bytes')
  }
  return decoded.value
}

/**
 * Imperative reads and writes over a MessageStream, for handshakes (multistream-select, Noise,
 * identify, relay...) and for js-libp2p's `byteStream()` / `lpStream()` / `pbStream()`, which are
 * built on it. It pulls from the stream (`stream.read()`) only when a read needs more bytes;
 * `unwrap()` gives the stream back with any bytes read past the last message returned to the
 * stream's read buffer (`stream.unshift()`), so the next reader (often the application) loses
 * nothing. An aborted read consumes nothing: the next read starts where it would have.
 */
export class HandshakeStream<S extends MessageStream = MessageStream> implements ByteStream<S> {
  readonly #stream: S
  readonly #maxBufferSize: number
  readonly #errors: ReadErrors
  #buffer = new Uint8ArrayList()
  #unwrapped = false

  constructor (stream: S, init: HandshakeStreamInit = {}) {
    if (typeof stream?.read !== 'function' || typeof stream.send !== 'function' || typeof stream.unshift !== 'function') {
      throw new InvalidParametersError('the argument must be a stream or a connection')
    }
    this.#stream = stream
    this.#maxBufferSize = init.maxBufferSize ?? DEFAULT_MAX_BUFFER_BYTES
    this.#errors = init.errors ?? HANDSHAKE_READ_ERRORS
  }

  /**
   * - `read(n)` / `read({ bytes: n })`: exactly n bytes; the EOFError of `errors` if the stream ends first
   * - `read()`: whatever is buffered, or the next chunk; null at EOF
   */
  read (options: ReadBytesOptions): Promise<Uint8ArrayList>
  read (options?: AbortOptions): Promise<Uint8ArrayList | null>
  read (bytes: number, options?: AbortOptions): Promise<Uint8ArrayList>
  async read (what?: number | ReadBytesOptions | AbortOptions, options?: AbortOptions): Promise<Uint8ArrayList | null> {
    if (typeof what === 'number') {
      return this.#take(what, options)
    }
    if (what != null && 'bytes' in what && what.bytes != null) {
      return this.#take(what.bytes, what)
    }
    return this.#readAny(what)
  }

  /**
   * Read one length-prefixed message (varint prefix unless `lengthDecoder` says otherwise). The
   * prefix stays unconsumed until the whole message is there, so an aborted read loses nothing.
   */
  async readLP (options: ReadMessageOptions = {}): Promise<Uint8ArrayList> {
    const maxDataLength = options.maxDataLength ?? DEFAULT_MAX_MESSAGE_BYTES
    const maxLengthLength = options.maxLengthLength ?? (Number.isFinite(maxDataLength) ? varintLength(maxDataLength) : MAX_VARINT_BYTES)
    this.#checkUsable()
    // a message already buffered is taken without a wait (a bulk reader's usual case: one read
    // from the stream brings several messages, or the rest of one): no async step per prefix
    let prefix = options.lengthDecoder == null
      ? this.#varintPrefixNow(maxLengthLength)
      : await this.#readCustomPrefix(options.lengthDecoder, maxLengthLength, options)
    while (prefix === undefined) {
      await this.#fill(this.#buffer.byteLength + 1, options)
      prefix = this.#varintPrefixNow(maxLengthLength)
    }
    const [length, prefixBytes] = prefix
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new this.#errors.MessageLengthError(`the length prefix decoded to ${length}`)
    }
    if (length > maxDataLength) {
      throw new this.#errors.DataLengthError(`a message of ${length} bytes is over the ${maxDataLength} byte limit (maxDataLength)`)
    }
    this.#checkBufferSize(length)
    if (this.#buffer.byteLength < prefixBytes + length) { await this.#fill(prefixBytes + length, options) }
    this.#buffer.consume(prefixBytes)
    return this.#consume(length)
  }

  /**
   * The default prefix, an unsigned varint, decoded where it lies in the buffer if its last byte
   * is there (else undefined; throws past maxLengthLength): one scan, one decode, with no sublist
   * and no RangeError per byte as the lengthDecoder contract needs (at 64 KiB messages those were
   * 3 % of a reader's CPU). Returns [length, prefix bytes].
   */
  #varintPrefixNow (maxLengthLength: number): [number, number] | undefined {
    const buffer = this.#buffer
    const available = Math.min(buffer.byteLength, maxLengthLength)
    for (let i = 0; i < available; i++) {
      if ((buffer.get(i) & 0x80) === 0) {
        // it ends within the buffer, so it decodes (or throws for a non-minimal encoding)
        const decoded = decodeVarint(buffer) as DecodedVarint
        return [decoded.value, decoded.bytes]
      }
    }
    if (available >= maxLengthLength) {
      throw new this.#errors.LengthLengthError(`the length prefix is longer than ${maxLengthLength} bytes (maxLengthLength)`)
    }
    return undefined
  }

  /** a lengthDecoder's prefix: js-libp2p's contract, a RangeError while it needs more bytes */
  async #readCustomPrefix (decode: (data: Uint8ArrayList) => number, maxLengthLength: number, options: AbortOptions): Promise<[number, number]> {
    for (let prefixBytes = 1; ; prefixBytes++) {
      if (prefixBytes > maxLengthLength) {
        throw new this.#errors.LengthLengthError(`the length prefix is longer than ${maxLengthLength} bytes (maxLengthLength)`)
      }
      await this.#fill(prefixBytes, options)
      try {
        return [decode(this.#buffer.sublist(0, prefixBytes)), prefixBytes]
      } catch (err) {
        if (!(err instanceof RangeError)) { throw err }
      }
    }
  }

  /** read one length-prefixed protobuf message; decode failures become InvalidMessageError */
  async readPB<T> (codec: MessageDecoder<T>, options?: ReadMessageOptions): Promise<T> {
    const buf = await this.readLP(options)
    try {
      return codec.decode(buf)
    } catch (err: any) {
      throw new InvalidMessageError(`could not decode message: ${err?.message ?? err}`)
    }
  }

  /** send, then wait for the stream to drain if it asks to */
  async write (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    this.#checkUsable()
    if (!this.#stream.send(data)) {
      await this.#stream.onDrain(options)
    }
  }

  async writeLP (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    await this.write(lpEncode(data), options)
  }

  async writePB<T> (message: T, codec: MessageEncoder<T>, options?: AbortOptions): Promise<void> {
    await this.writeLP(codec.encode(message), options)
  }

  /** bytes read from the stream but not yet returned by a read */
  get readableLength (): number {
    return this.#buffer.byteLength
  }

  /**
   * Give the stream back, returning read-ahead bytes to it; reads and writes through this helper
   * throw UnwrappedError afterwards. Unwrapping again returns the same stream.
   */
  unwrap (): S {
    if (!this.#unwrapped) {
      this.#unwrapped = true
      if (this.#buffer.byteLength > 0) {
        this.#stream.unshift(this.#buffer)
        this.#buffer = new Uint8ArrayList()
      }
    }
    return this.#stream
  }

  async #readAny (options?: AbortOptions): Promise<Uint8ArrayList | null> {
    this.#checkUsable()
    if (this.#buffer.byteLength > 0) {
      const out = this.#buffer
      this.#buffer = new Uint8ArrayList()
      return out
    }
    return this.#stream.read(options)
  }

  async #take (bytes: number, options?: AbortOptions): Promise<Uint8ArrayList> {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new InvalidParametersError(`cannot read ${bytes} bytes`)
    }
    this.#checkBufferSize(bytes)
    await this.#fill(bytes, options)
    return this.#consume(bytes)
  }

  #consume (bytes: number): Uint8ArrayList {
    const out = this.#buffer.sublist(0, bytes)
    this.#buffer.consume(bytes)
    return out
  }

  async #fill (bytes: number, options?: AbortOptions): Promise<void> {
    this.#checkUsable()
    while (this.#buffer.byteLength < bytes) {
      const chunk = await this.#stream.read(options)
      if (this.#unwrapped) {
        // unwrapped while this read waited: the chunk belongs to the stream's next reader
        if (chunk != null) { this.#stream.unshift(chunk) }
        this.#checkUsable()
      }
      if (chunk == null) {
        throw new this.#errors.EOFError(`the stream ended after ${this.#buffer.byteLength} of ${bytes} bytes`)
      }
      this.#buffer.append(chunk)
    }
  }

  #checkBufferSize (bytes: number): void {
    if (bytes > this.#maxBufferSize) {
      const err = new StreamBufferError(`a read of ${bytes} bytes is over the ${this.#maxBufferSize} byte limit (raise it with the maxBufferSize option)`)
      this.#stream.abort(err)
      throw err
    }
  }

  #checkUsable (): void {
    if (this.#unwrapped) {
      throw new UnwrappedError('the stream was unwrapped')
    }
  }
}

/** a HandshakeStream over `stream` with our handshakes' error names */
export function handshakeStream<S extends MessageStream> (stream: S, init?: HandshakeStreamInit): HandshakeStream<S> {
  return new HandshakeStream(stream, init)
}
