import { FrameDecoder } from './decoder.js'
import { FrameType } from './frame.js'
import type { FrameHeader } from './frame.js'
import type { MessageStream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** What the reader hands the frames of a session to */
export interface FrameSink<T> {
  /**
   * false once the session has ended: the reader stops. A method, not a getter: V8 keeps an object
   * literal with a getter in dictionary mode, which cost every connection ~430 B more (measured)
   */
  isReading(): boolean
  /**
   * A frame's header. For a data frame with a payload: the target that takes the payload, or
   * undefined to drop it; for other frames the result is ignored. Throws for protocol violations.
   */
  onHeader(header: FrameHeader): T | undefined
  /** the payload of a data frame whose header onHeader() gave `target` */
  onPayload(header: FrameHeader, target: T, payload: Uint8ArrayList): void
  /** the connection ended: cleanly (EOF, no error) or with the read's error */
  onEnd(err?: Error): void
  /** the frames broke the protocol: what onHeader() or the decoder threw; reading has stopped */
  onViolation(err: Error): void
}

/**
 * The read side of a session: one loop reads whatever the connection has buffered (one promise
 * per read, not per frame) and decodes every complete frame in it synchronously. A payload that
 * is still arriving waits here, and one that is dropped is skipped as it arrives, never buffered.
 */
export class FrameReader<T> {
  readonly #conn: MessageStream
  readonly #sink: FrameSink<T>
  readonly #decoder = new FrameDecoder()
  /** a data frame whose header was read, waiting for its payload */
  #pending?: { header: FrameHeader, target: T }
  #skipBytes = 0

  constructor (conn: MessageStream, sink: FrameSink<T>) {
    this.#conn = conn
    this.#sink = sink
  }

  /** read until the connection ends, fails or breaks the protocol, or the sink stops reading */
  async run (): Promise<void> {
    const sink = this.#sink
    while (sink.isReading()) {
      let chunk: Uint8ArrayList | null
      try {
        chunk = await this.#conn.read()
      } catch (err: any) {
        sink.onEnd(err)
        return
      }
      if (!sink.isReading()) { return }
      if (chunk == null) {
        sink.onEnd()
        return
      }
      this.#decoder.push(chunk)
      try {
        this.#processFrames()
      } catch (err: any) {
        sink.onViolation(err)
        return
      }
    }
  }

  /** hand every complete frame buffered to the sink; throws for protocol violations */
  #processFrames (): void {
    const sink = this.#sink
    while (sink.isReading()) {
      if (this.#skipBytes > 0) {
        this.#skipBytes -= this.#decoder.skip(this.#skipBytes)
        if (this.#skipBytes > 0) { return }
      }
      if (this.#pending == null) {
        const header = this.#decoder.readHeader()
        if (header == null) { return }
        const target = sink.onHeader(header)
        if (header.type === FrameType.Data && header.length > 0) {
          if (target === undefined) {
            this.#skipBytes = header.length
          } else {
            this.#pending = { header, target }
          }
        }
        continue
      }
      const payload = this.#decoder.readPayload(this.#pending.header.length)
      if (payload == null) { return }
      const { header, target } = this.#pending
      this.#pending = undefined
      sink.onPayload(header, target, payload)
    }
  }
}
