/**
 * js-libp2p 3's stream helpers, with its names, signatures and errors: `byteStream()`,
 * `lpStream()`, `pbStream()` and `echo()`. They are thin shapes over HandshakeStream, which pulls
 * from the stream's read buffer (`read()` / `unshift()`) and writes with back-pressure
 * (`send()` / `onDrain()`).
 */
import { Uint8ArrayList } from 'uint8arraylist'
import { DEFAULT_MAX_BUFFER_BYTES, HandshakeStream } from './byte-stream.js'
import { InvalidDataLengthError, InvalidDataLengthLengthError, InvalidMessageLengthError, UnexpectedEOFError } from './errors.js'
import { encodeVarint } from './varint.js'
import type { ReadErrors, ReadMessageOptions } from './byte-stream.js'
import type { AbortOptions, MessageStream, Stream } from '@libp2p/interface'
import type { DecodeOptions } from 'protons-runtime'

/** js-libp2p's names for the ways a read fails */
const READ_ERRORS: ReadErrors = {
  EOFError: UnexpectedEOFError,
  DataLengthError: InvalidDataLengthError,
  LengthLengthError: InvalidDataLengthLengthError,
  MessageLengthError: InvalidMessageLengthError
}

export interface ByteStreamOpts {
  /**
   * Bytes: the most one read may wait to collect. A read that needs more fails with
   * StreamBufferError and aborts the stream.
   *
   * @default 4_194_304
   */
  maxBufferSize?: number
}

export interface ReadBytesOptions extends AbortOptions {
  /** wait for exactly this many bytes */
  bytes: number
}

export interface ByteStream<S extends MessageStream = MessageStream> {
  /**
   * With `bytes`: wait for exactly that many bytes; UnexpectedEOFError if the stream ends first.
   * Without: whatever is buffered, or the next chunk to arrive; null if the stream ends first.
   */
  read(options: ReadBytesOptions): Promise<Uint8ArrayList>
  read(options?: AbortOptions): Promise<Uint8ArrayList | null>
  /** send the bytes, waiting for the stream to drain if it asks to */
  write(data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void>
  /** hand the stream back with any unread bytes returned to it; this helper is unusable afterwards */
  unwrap(): S
}

export interface LengthPrefixedStream<S extends MessageStream = MessageStream> {
  /** the next length-prefixed message */
  read(options?: AbortOptions): Promise<Uint8ArrayList>
  /** write the bytes behind their length */
  write(data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void>
  /** write several messages, each behind its length, in one send */
  writeV(input: Array<Uint8Array | Uint8ArrayList>, options?: AbortOptions): Promise<void>
  /** the underlying stream, with unread bytes returned to it */
  unwrap(): S
}

export interface LengthPrefixedStreamOpts extends ByteStreamOpts {
  /** encodes a length prefix (default: unsigned varint) */
  lengthEncoder(value: number): Uint8ArrayList | Uint8Array
  /** decodes a length prefix, throwing RangeError while it needs more bytes (default: unsigned varint) */
  lengthDecoder(data: Uint8ArrayList): number
  /** bytes: the longest length prefix accepted (default: the varint length of maxDataLength) */
  maxLengthLength: number
  /** bytes: the largest message accepted (InvalidDataLengthError); default: bounded by maxBufferSize only */
  maxDataLength: number
}

/** decodes a protobuf message */
export interface ProtobufDecoder<T> {
  (data: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<T>): T
}

/** encodes a protobuf message */
export interface ProtobufEncoder<T> {
  (data: T): Uint8Array
}

export interface ProtobufStream<S extends MessageStream = MessageStream> {
  /** read the next length-prefixed message and decode it */
  read<T>(proto: { decode: ProtobufDecoder<T> }, options?: AbortOptions & DecodeOptions<T>): Promise<T>
  /** encode a message and write it behind its length */
  write<T>(data: T, proto: { encode: ProtobufEncoder<T> }, options?: AbortOptions): Promise<void>
  /** encode several messages and write them, each behind its length, in one send */
  writeV<T>(input: T[], proto: { encode: ProtobufEncoder<T> }, options?: AbortOptions): Promise<void>
  /** reads and writes of one message type */
  pb<T>(proto: { encode: ProtobufEncoder<T>, decode: ProtobufDecoder<T> }): ProtobufMessageStream<T, S>
  /** the underlying stream, with unread bytes returned to it */
  unwrap(): S
}

/** reads and writes of one protobuf message type */
export interface ProtobufMessageStream<T, S extends MessageStream = MessageStream> {
  read(options?: AbortOptions & DecodeOptions<T>): Promise<T>
  write(d: T, options?: AbortOptions): Promise<void>
  writeV(d: T[], options?: AbortOptions): Promise<void>
  /** the ProtobufStream this came from */
  unwrap(): ProtobufStream<S>
}

export interface ProtobufStreamOpts extends LengthPrefixedStreamOpts {}

/** reads of exact byte counts or of whatever arrives, and writes with back-pressure */
export function byteStream<T extends MessageStream> (stream: T, opts?: ByteStreamOpts): ByteStream<T> {
  return new HandshakeStream(stream, { maxBufferSize: opts?.maxBufferSize ?? DEFAULT_MAX_BUFFER_BYTES, errors: READ_ERRORS })
}

class LengthPrefixed<S extends MessageStream> implements LengthPrefixedStream<S> {
  readonly #bytes: HandshakeStream<S>
  readonly #framing: ReadMessageOptions
  readonly #encodeLength: (value: number) => Uint8ArrayList | Uint8Array

  constructor (stream: S, opts: Partial<LengthPrefixedStreamOpts>) {
    this.#bytes = new HandshakeStream(stream, { maxBufferSize: opts.maxBufferSize, errors: READ_ERRORS })
    // without maxDataLength only maxBufferSize bounds a message, as in js-libp2p
    this.#framing = { maxDataLength: opts.maxDataLength ?? Infinity, maxLengthLength: opts.maxLengthLength, lengthDecoder: opts.lengthDecoder }
    this.#encodeLength = opts.lengthEncoder ?? encodeVarint
  }

  // not async: the message's promise itself, with no second one (and its two ticks) around it
  read (options?: AbortOptions): Promise<Uint8ArrayList> {
    return this.#bytes.readLP(options?.signal == null ? this.#framing : { ...this.#framing, signal: options.signal })
  }

  async write (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<void> {
    await this.#bytes.write(new Uint8ArrayList(this.#encodeLength(data.byteLength), data), options)
  }

  async writeV (input: Array<Uint8Array | Uint8ArrayList>, options?: AbortOptions): Promise<void> {
    const frames = new Uint8ArrayList()
    for (const data of input) {
      frames.append(this.#encodeLength(data.byteLength), data)
    }
    await this.#bytes.write(frames, options)
  }

  unwrap (): S {
    return this.#bytes.unwrap()
  }
}

/** length-prefixed messages: UnexpectedEOFError at EOF, InvalidDataLengthError past maxDataLength */
export function lpStream<T extends MessageStream> (stream: T, opts: Partial<LengthPrefixedStreamOpts> = {}): LengthPrefixedStream<T> {
  return new LengthPrefixed(stream, opts)
}

class Protobuf<S extends MessageStream> implements ProtobufStream<S> {
  readonly #lp: LengthPrefixedStream<S>

  constructor (stream: S, opts: Partial<ProtobufStreamOpts>) {
    this.#lp = new LengthPrefixed(stream, opts)
  }

  async read<T> (proto: { decode: ProtobufDecoder<T> }, options?: AbortOptions & DecodeOptions<T>): Promise<T> {
    return proto.decode(await this.#lp.read(options), options)
  }

  async write<T> (data: T, proto: { encode: ProtobufEncoder<T> }, options?: AbortOptions): Promise<void> {
    await this.#lp.write(proto.encode(data), options)
  }

  async writeV<T> (input: T[], proto: { encode: ProtobufEncoder<T> }, options?: AbortOptions): Promise<void> {
    await this.#lp.writeV(input.map(message => proto.encode(message)), options)
  }

  pb<T> (proto: { encode: ProtobufEncoder<T>, decode: ProtobufDecoder<T> }): ProtobufMessageStream<T, S> {
    return {
      read: async (options) => this.read(proto, options),
      write: async (d, options) => this.write(d, proto, options),
      writeV: async (d, options) => this.writeV(d, proto, options),
      unwrap: () => this
    }
  }

  unwrap (): S {
    return this.#lp.unwrap()
  }
}

/** length-prefixed protobuf messages; a decoder's error reaches the caller as it is */
export function pbStream<T extends MessageStream = Stream> (stream: T, opts: Partial<ProtobufStreamOpts> = {}): ProtobufStream<T> {
  return new Protobuf(stream, opts)
}

/**
 * Send back everything the stream delivers, with back-pressure, then close it. Any failure
 * (including the signal) aborts the stream; echo() itself never rejects.
 */
export async function echo (stream: MessageStream, options?: AbortOptions): Promise<void> {
  try {
    while (true) {
      const chunk = await stream.read(options)
      if (chunk == null) { break }
      if (!stream.send(chunk)) {
        await stream.onDrain(options)
      }
    }
    await stream.close(options)
  } catch (err: any) {
    stream.abort(err)
  }
}
