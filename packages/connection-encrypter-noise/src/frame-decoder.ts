import { NOISE_LENGTH_PREFIX_BYTES, NOISE_MAX_MESSAGE_BYTES } from './constants.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Where a message that arrived in several reads is put back together. One for the whole process:
 * a message is decrypted (synchronously) before the next one is taken, so the buffer is free again
 * by then, and no connection holds 64 KiB for it.
 */
let reassembly: Uint8Array | undefined
const EMPTY = new Uint8Array(0)

/**
 * Splits the incoming byte stream into Noise messages: a 2-byte big-endian length, then that many
 * bytes. A message inside one read comes out as a view of it (no copy); a message cut across reads
 * is copied into one shared buffer, so it can be opened with one cipher call instead of one per
 * piece (TCP cuts about half of all 64 KiB messages).
 */
export class FrameDecoder {
  /** chunks received and not yet taken; the first is read from #offset on */
  readonly #chunks: Uint8Array[] = []
  #offset = 0
  /** bytes in #chunks past #offset */
  #bytes = 0
  /** the length of the message being waited for, once its prefix has arrived */
  #pending = -1

  /** bytes received and not yet returned as a message (prefix included) */
  get bufferedBytes (): number {
    return this.#bytes + (this.#pending >= 0 ? NOISE_LENGTH_PREFIX_BYTES : 0)
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    if (chunk instanceof Uint8Array) {
      this.#append(chunk)
    } else {
      for (const buf of chunk) { this.#append(buf) }
    }
  }

  /**
   * The next whole message (without its length prefix), or undefined until more bytes arrive.
   * The view is valid until the next call: decrypt it before asking for another message.
   */
  next (): Uint8Array | undefined {
    if (this.#pending < 0) {
      if (this.#bytes < NOISE_LENGTH_PREFIX_BYTES) { return undefined }
      const high = this.#takeByte()
      this.#pending = (high << 8) | this.#takeByte()
    }
    const length = this.#pending
    if (this.#bytes < length) { return undefined }
    this.#pending = -1
    this.#bytes -= length
    if (length === 0) { return EMPTY }
    const head = this.#chunks[0]
    const start = this.#offset
    if (head.byteLength - start >= length) {
      this.#advance(head, start + length)
      return head.subarray(start, start + length)
    }
    const out = (reassembly ??= new Uint8Array(NOISE_MAX_MESSAGE_BYTES))
    let copied = 0
    while (copied < length) {
      const chunk = this.#chunks[0]
      const from = this.#offset
      const take = Math.min(chunk.byteLength - from, length - copied)
      out.set(from === 0 && take === chunk.byteLength ? chunk : chunk.subarray(from, from + take), copied)
      copied += take
      this.#advance(chunk, from + take)
    }
    return out.subarray(0, length)
  }

  #append (chunk: Uint8Array): void {
    if (chunk.byteLength === 0) { return }
    this.#chunks.push(chunk)
    this.#bytes += chunk.byteLength
  }

  #takeByte (): number {
    const head = this.#chunks[0]
    const byte = head[this.#offset]
    this.#bytes--
    this.#advance(head, this.#offset + 1)
    return byte
  }

  /** the first chunk is read up to `end`; drop it once it is used up */
  #advance (head: Uint8Array, end: number): void {
    if (end >= head.byteLength) {
      this.#chunks.shift()
      this.#offset = 0
    } else {
      this.#offset = end
    }
  }
}
