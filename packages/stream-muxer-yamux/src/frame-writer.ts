import { LimitExceededError } from '@libp2p/interface'
import { afterTurn } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { MAX_UNSENT_CONTROL_FRAMES, WRITE_BATCH_BYTES } from './constants.js'
import { encodeHeader } from './frame.js'
import type { FrameTypeValue } from './frame.js'
import type { MessageStream } from '@libp2p/interface'

/** a writer that stopped for back-pressure and continues on drain (a stream) */
export interface DrainListener {
  onTransportDrain(): void
}

/**
 * All frames of a session go through here to the connection.
 *
 * Batching: frames are collected and handed to the connection in one send() at the end of the
 * event loop's turn, or at once when WRITE_BATCH_BYTES are waiting. Headers are 12-byte views,
 * payloads are the streams' chunks: nothing is copied.
 *
 * Back-pressure: when the connection's send() returns false the writer is `blocked`; streams stop
 * taking data from their buffers and register with notifyOnDrain(). On the connection's drain they
 * resume in turn, as long as the connection keeps taking data.
 *
 * Replies the remote causes (pongs, ACKs and RSTs of its SYNs) go through writeControl(), which
 * throws LimitExceededError once too many pile up behind a blocked connection.
 */
export class FrameWriter {
  blocked = false
  readonly #conn: MessageStream
  readonly #onError: (err: Error) => void
  #batch = new Uint8ArrayList()
  #flushQueued = false
  #waiting = new Set<DrainListener>()
  #unsentControl = 0
  #closed = false

  /** `onError`: the connection refused a write (it is closed or failed) */
  constructor (conn: MessageStream, onError: (err: Error) => void) {
    this.#conn = conn
    this.#onError = onError
  }

  /** queue a frame; false while the connection is over its high-water mark */
  write (type: FrameTypeValue, flags: number, streamId: number, length: number, payload?: Uint8ArrayList): boolean {
    if (this.#closed) { return false }
    this.#batch.append(encodeHeader(type, flags, streamId, length))
    if (payload != null) { this.#batch.append(payload) }
    if (this.#batch.byteLength >= WRITE_BATCH_BYTES) { return this.flush() }
    if (!this.#flushQueued) {
      this.#flushQueued = true
      // at the end of the event loop's turn rather than of the tick: the frames that the promise
      // chains set off by one read cause (a SYN, the multistream-select answer, the handler's reply,
      // a FIN) leave in one write, where flushing per microtask sent each link separately. A
      // closure per batch rather than one kept by every muxer for its whole life.
      afterTurn(() => {
        this.#flushQueued = false
        this.flush()
      })
    }
    return !this.blocked
  }

  /** a frame the remote made us send; throws LimitExceededError if the remote floods them without reading */
  writeControl (type: FrameTypeValue, flags: number, streamId: number, length: number): void {
    this.reserveControl()
    this.write(type, flags, streamId, length)
  }

  /**
   * Count one reply the remote made us owe, to be written next with write() (a SYN's ACK or RST,
   * which the muxer base writes); throws LimitExceededError if the remote floods them without reading.
   */
  reserveControl (): void {
    if (this.blocked && ++this.#unsentControl > MAX_UNSENT_CONTROL_FRAMES) {
      throw new LimitExceededError('MAX_UNSENT_CONTROL_FRAMES', MAX_UNSENT_CONTROL_FRAMES, 'the remote floods yamux frames that need replies without reading them')
    }
  }

  /** hand the queued frames to the connection now */
  flush (): boolean {
    if (this.#batch.byteLength === 0 || this.#closed) { return !this.blocked }
    const batch = this.#batch
    this.#batch = new Uint8ArrayList()
    try {
      const more = this.#conn.send(batch)
      if (!more) { this.#block() }
      return more
    } catch (err: any) {
      // reported from a microtask, not from inside a caller's write
      queueMicrotask(() => { this.#onError(err) })
      return false
    }
  }

  notifyOnDrain (listener: DrainListener): void {
    this.#waiting.add(listener)
  }

  forget (listener: DrainListener): void {
    this.#waiting.delete(listener)
  }

  /** drop everything queued; later writes are ignored */
  close (): void {
    this.#closed = true
    this.#batch = new Uint8ArrayList()
    this.#waiting.clear()
  }

  #block (): void {
    if (this.blocked) { return }
    this.blocked = true
    this.#conn.onDrain().then(() => { this.#drained() }, () => {
      // the connection failed: the session's read loop sees it
    })
  }

  #drained (): void {
    this.blocked = false
    this.#unsentControl = 0
    const waiting = [...this.#waiting]
    this.#waiting.clear()
    for (let i = 0; i < waiting.length; i++) {
      if (this.blocked) {
        // the rest go first next time, then those that blocked again just now
        this.#waiting = new Set([...waiting.slice(i), ...this.#waiting])
        return
      }
      waiting[i].onTransportDrain()
    }
  }
}
