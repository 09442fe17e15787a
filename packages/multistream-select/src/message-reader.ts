import { InvalidMessageError, MessageTooLargeError, ProtocolError } from '@libp2p/interface'
import { decodeVarint } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { PROTOCOL_ID } from './constants.js'
import { decodeMessage, quote } from './messages.js'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

export interface ReadOptions extends AbortOptions {
  /** called before waiting on the network, to send what has been queued so far in one write */
  beforeWait?(): void
  /** the error for a stream that ends cleanly between two messages, if not the default ProtocolError */
  endError?(): Error | undefined
}

/**
 * Reads multistream-select messages from a stream. Messages already buffered are parsed
 * synchronously, so that the answers to pipelined messages can be sent in one write; bytes read
 * past the last message are handed back with take().
 */
export class MessageReader {
  readonly #stream: MessageStream
  readonly #maxDataLength: number
  #buffer = new Uint8ArrayList()

  constructor (stream: MessageStream, maxDataLength: number) {
    this.#stream = stream
    this.#maxDataLength = maxDataLength
  }

  /** The next message, waiting for bytes when the buffer holds no complete one */
  async read (options: ReadOptions = {}): Promise<string> {
    while (true) {
      const message = this.next()
      if (message !== undefined) { return message }
      options.beforeWait?.()
      const chunk = await this.#stream.read(options)
      if (chunk == null) {
        if (this.#buffer.byteLength > 0) {
          throw new InvalidMessageError(`stream ended with ${this.#buffer.byteLength} bytes of an unfinished multistream-select message`)
        }
        throw options.endError?.() ?? new ProtocolError('stream ended before multistream-select negotiation finished')
      }
      this.#buffer.append(chunk)
    }
  }

  /** The next complete message in the buffer, or undefined when more bytes are needed */
  next (): string | undefined {
    const parsed = parseMessage(this.#buffer, 0, this.#maxDataLength)
    if (parsed === undefined) { return undefined }
    this.#buffer.consume(parsed.end)
    return parsed.message
  }

  /** The bytes read past the last message; the reader is empty afterwards */
  take (): Uint8ArrayList {
    const rest = this.#buffer
    this.#buffer = new Uint8ArrayList()
    return rest
  }
}

/**
 * The complete message starting at `offset` of `buffer` and the offset just past it, or undefined
 * when more bytes are needed. Throws MessageTooLargeError / InvalidMessageError.
 */
export function parseMessage (buffer: Uint8ArrayList, offset: number, maxDataLength: number): { message: string, end: number } | undefined {
  if (buffer.byteLength <= offset) { return undefined }
  const prefix = decodeVarint(buffer, offset)
  if (prefix == null) { return undefined }
  if (prefix.value > maxDataLength) {
    throw new MessageTooLargeError(`multistream-select message of ${prefix.value} bytes is over the limit maxDataLength=${maxDataLength}`)
  }
  const end = offset + prefix.bytes + prefix.value
  if (buffer.byteLength < end) { return undefined }
  return { message: decodeMessage(buffer.subarray(offset + prefix.bytes, end)), end }
}

/** Read the remote's multistream header; anything else ends the negotiation */
export async function readHeader (reader: MessageReader, options: ReadOptions = {}): Promise<void> {
  const header = await reader.read(options)
  if (header !== PROTOCOL_ID) {
    throw new ProtocolError(`expected the multistream-select header ${PROTOCOL_ID}, got ${quote(header)}`)
  }
}
