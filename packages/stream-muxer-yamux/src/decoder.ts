import { InvalidMessageError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { HEADER_LENGTH_BYTES, YAMUX_VERSION } from './constants.js'
import { FrameType } from './frame.js'
import type { FrameHeader, FrameTypeValue } from './frame.js'

const MAX_FRAME_TYPE = FrameType.GoAway
const EMPTY = new Uint8Array(0)
/** a header split across two chunks is copied here and parsed at once: one buffer for every decoder */
const SCRATCH = new Uint8Array(HEADER_LENGTH_BYTES)

/**
 * Incremental frame reader over the chunks the connection delivers. Headers are parsed in place
 * (a 12-byte copy only when a header straddles two chunks); payloads come out as Uint8ArrayLists of
 * views into the received chunks, never concatenated.
 *
 * It knows only the framing: the caller reads a header, decides whether the payload is acceptable
 * (the flow-control window bounds it), then takes or skips it.
 */
export class FrameDecoder {
  #chunks: Uint8Array[] = []
  #head = 0
  #offset = 0
  #length = 0

  /** bytes received and not yet taken */
  get bufferedBytes (): number {
    return this.#length
  }

  push (data: Uint8Array | Uint8ArrayList): void {
    if (data instanceof Uint8Array) {
      this.#pushChunk(data)
    } else {
      for (const chunk of data) { this.#pushChunk(chunk) }
    }
  }

  /**
   * The next header once 12 bytes are buffered, else undefined. Throws InvalidMessageError for
   * a version other than 0 or an unknown frame type.
   */
  readHeader (): FrameHeader | undefined {
    if (this.#length < HEADER_LENGTH_BYTES) { return undefined }
    let buf = this.#chunks[this.#head]
    let o = this.#offset
    if (buf.byteLength - o < HEADER_LENGTH_BYTES) {
      this.#copyInto(SCRATCH)
      buf = SCRATCH
      o = 0
    } else {
      this.skip(HEADER_LENGTH_BYTES)
    }
    const version = buf[o]
    const type = buf[o + 1]
    if (version !== YAMUX_VERSION) {
      throw new InvalidMessageError(`yamux frame with version ${version}, only ${YAMUX_VERSION} exists`)
    }
    if (type > MAX_FRAME_TYPE) {
      throw new InvalidMessageError(`yamux frame with unknown type ${type}`)
    }
    return {
      type: type as FrameTypeValue,
      flags: (buf[o + 2] << 8) | buf[o + 3],
      streamId: ((buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7]) >>> 0,
      length: ((buf[o + 8] << 24) | (buf[o + 9] << 16) | (buf[o + 10] << 8) | buf[o + 11]) >>> 0
    }
  }

  /** take `bytes` bytes as views of the received chunks, or undefined if fewer are buffered */
  readPayload (bytes: number): Uint8ArrayList | undefined {
    if (this.#length < bytes) { return undefined }
    const out = new Uint8ArrayList()
    let remaining = bytes
    while (remaining > 0) {
      const chunk = this.#chunks[this.#head]
      const available = chunk.byteLength - this.#offset
      if (available <= remaining) {
        out.append(this.#offset === 0 ? chunk : chunk.subarray(this.#offset))
        remaining -= available
        this.#dropHead()
      } else {
        out.append(chunk.subarray(this.#offset, this.#offset + remaining))
        this.#offset += remaining
        remaining = 0
      }
    }
    this.#length -= bytes
    return out
  }

  /** discard up to `bytes` buffered bytes; returns how many were discarded */
  skip (bytes: number): number {
    const n = Math.min(bytes, this.#length)
    let remaining = n
    while (remaining > 0) {
      const available = this.#chunks[this.#head].byteLength - this.#offset
      if (available <= remaining) {
        remaining -= available
        this.#dropHead()
      } else {
        this.#offset += remaining
        remaining = 0
      }
    }
    this.#length -= n
    return n
  }

  #pushChunk (chunk: Uint8Array): void {
    if (chunk.byteLength === 0) { return }
    this.#chunks.push(chunk)
    this.#length += chunk.byteLength
  }

  #dropHead (): void {
    // let go of the chunk now: with frames and chunks out of step there is nearly always a partial
    // frame pending, so the array is rarely emptied, and consumed chunks kept in it until it is
    // compacted (up to 64 of them, 4 MiB at full speed) lived long enough to be promoted to the old
    // generation, for the old generation's collector to free
    this.#chunks[this.#head] = EMPTY
    this.#head++
    this.#offset = 0
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0
      this.#head = 0
    } else if (this.#head >= 64 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head)
      this.#head = 0
    }
  }

  /** copy the next target.length bytes into target and consume them */
  #copyInto (target: Uint8Array): void {
    let written = 0
    while (written < target.byteLength) {
      const chunk = this.#chunks[this.#head]
      const n = Math.min(chunk.byteLength - this.#offset, target.byteLength - written)
      target.set(chunk.subarray(this.#offset, this.#offset + n), written)
      written += n
      if (this.#offset + n === chunk.byteLength) {
        this.#dropHead()
      } else {
        this.#offset += n
      }
    }
    this.#length -= written
  }
}
