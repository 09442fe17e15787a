import { Uint8ArrayList } from 'uint8arraylist'
import { NOISE_LENGTH_PREFIX_BYTES } from './constants.js'

/**
 * Splits the incoming byte stream into Noise messages: a 2-byte big-endian length, then that many
 * bytes. Chunks are kept as they arrived; a message comes out as a view over them (no copy), so a
 * message split across reads and many messages in one read cost the same.
 */
export class FrameDecoder {
  readonly #buffer = new Uint8ArrayList()
  /** the length of the message being waited for, once its prefix has arrived */
  #pending = -1

  /** bytes received and not yet returned as a message (prefix included) */
  get bufferedBytes (): number {
    return this.#buffer.byteLength + (this.#pending >= 0 ? NOISE_LENGTH_PREFIX_BYTES : 0)
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    this.#buffer.append(chunk)
  }

  /** the next whole message (without its length prefix), or undefined until more bytes arrive */
  next (): Uint8ArrayList | undefined {
    const buffer = this.#buffer
    if (this.#pending < 0) {
      if (buffer.byteLength < NOISE_LENGTH_PREFIX_BYTES) { return undefined }
      this.#pending = (buffer.get(0) << 8) | buffer.get(1)
      buffer.consume(NOISE_LENGTH_PREFIX_BYTES)
    }
    const length = this.#pending
    if (buffer.byteLength < length) { return undefined }
    const message = buffer.sublist(0, length)
    buffer.consume(length)
    this.#pending = -1
    return message
  }
}
