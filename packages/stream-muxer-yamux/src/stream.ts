import { AbstractMessageStream } from '@libp2p/utils'
import { Flag, FrameType } from './frame.js'
import type { FrameTypeValue } from './frame.js'
import type { ReceiveWindow } from './receive-window.js'
import type { Stream } from '@libp2p/interface'
import type { MessageStreamInit, SendResult } from '@libp2p/utils'
import type { Uint8ArrayList } from 'uint8arraylist'

/** What a stream needs from its muxer */
export interface StreamOwner {
  /** write one frame to the connection; false once the connection is over its high-water mark */
  writeFrame(type: FrameTypeValue, flags: number, streamId: number, length: number, payload?: Uint8ArrayList): boolean
  /** true while the connection is over its high-water mark: streams stop sending */
  readonly connectionBlocked: boolean
  /** call stream.onTransportDrain() once the connection drains */
  notifyOnDrain(stream: YamuxStream): void
  /** the largest data frame payload to send */
  readonly maxMessageSize: number
  /** the connection's measured round trip time in ms, if any */
  readonly rtt: number | undefined
  /** the stream reached a final status */
  streamFinished(stream: YamuxStream): void
}

export interface YamuxStreamInit extends MessageStreamInit {
  streamId: number
  owner: StreamOwner
  receiveWindow: ReceiveWindow
  /** bytes we may send before the remote grants more */
  sendWindow: number
}

const BLOCKED: SendResult = Object.freeze({ sentBytes: 0, canSendMore: false })

/**
 * One yamux stream. AbstractMessageStream holds the semantics and buffers; this class maps them
 * to frames: data split to the send window and the frame size, FIN on closeWrite, RST on abort,
 * and window updates as the application consumes.
 */
export class YamuxStream extends AbstractMessageStream implements Stream {
  protocol = ''
  readonly metadata: Record<string, unknown> = {}
  readonly streamId: number
  /** false for an outbound stream until the remote's ACK (or any reply) arrives */
  acknowledged: boolean
  /** the remote sent FIN: no more data may arrive */
  remoteClosedWrite = false
  readonly #owner: StreamOwner
  readonly #window: ReceiveWindow
  #sendWindow: number
  #resetSentOrReceived = false

  constructor (init: YamuxStreamInit) {
    super(init)
    this.streamId = init.streamId
    this.#owner = init.owner
    this.#window = init.receiveWindow
    this.#sendWindow = init.sendWindow
    this.acknowledged = init.direction === 'inbound'
  }

  /** bytes the remote may still send on this stream */
  get receiveCredit (): number {
    return this.#window.credit
  }

  /** the stream's current receive window (it grows with auto-tuning) */
  get receiveWindowSize (): number {
    return this.#window.size
  }

  /** bytes we may still send before the remote grants more */
  get sendWindow (): number {
    return this.#sendWindow
  }

  // ---- frames from the remote (called by the muxer) ------------------------------------------

  /** a data payload the muxer has checked against receiveCredit */
  receiveData (payload: Uint8ArrayList): void {
    this.#window.receive(payload.byteLength)
    this.onData(payload)
  }

  receiveWindowUpdate (delta: number): void {
    if (delta === 0) { return }
    const wasBlocked = this.#sendWindow === 0
    this.#sendWindow += delta
    if (wasBlocked) { this.onTransportDrain() }
  }

  receiveFin (): void {
    this.remoteClosedWrite = true
    this.onRemoteCloseWrite()
  }

  receiveReset (): void {
    this.#resetSentOrReceived = true
    this.onRemoteReset()
  }

  // ---- AbstractMessageStream hooks -----------------------------------------------------------

  protected sendData (data: Uint8ArrayList): SendResult {
    const owner = this.#owner
    if (owner.connectionBlocked) {
      owner.notifyOnDrain(this)
      return BLOCKED
    }
    if (this.#sendWindow === 0) { return BLOCKED } // receiveWindowUpdate() resumes
    const bytes = Math.min(data.byteLength, this.#sendWindow, owner.maxMessageSize)
    // views of the buffered chunks, no copy (the caller then consumes them from its own list)
    const payload = data.sublist(0, bytes)
    this.#sendWindow -= bytes
    const more = owner.writeFrame(FrameType.Data, 0, this.streamId, bytes, payload)
    if (!more) { owner.notifyOnDrain(this) }
    return { sentBytes: bytes, canSendMore: more && this.#sendWindow > 0 }
  }

  protected sendCloseWrite (): void {
    this.#owner.writeFrame(FrameType.WindowUpdate, Flag.FIN, this.streamId, 0)
  }

  protected sendCloseRead (): void {
    // yamux cannot tell the remote to stop sending; data that still arrives is dropped and its
    // credit returned (AbstractMessageStream calls onConsumed) until the remote's FIN ends the
    // stream, as js-libp2p does: closeRead() followed by close() is not a reset
  }

  protected sendReset (): void {
    this.#resetSentOrReceived = true
    this.#owner.writeFrame(FrameType.WindowUpdate, Flag.RST, this.streamId, 0)
  }

  protected onConsumed (bytes: number): void {
    // nothing more will arrive (FIN, reset, or the stream ended with the connection): no credit to return
    if (this.remoteClosedWrite || this.#resetSentOrReceived || bytes === 0 || this.timeline.close != null) { return }
    // data dropped after closeRead() says nothing about the reader's speed: no growth for it
    const delta = this.#window.consume(bytes, this.#owner.rtt, performance.now(), this.readStatus !== 'closed')
    if (delta > 0) {
      this.#owner.writeFrame(FrameType.WindowUpdate, 0, this.streamId, delta)
    }
  }

  protected onFinished (): void {
    // every way a stream ends comes here (FIN both ways, reset either way, abort, the connection's end)
    this.#window.release()
    this.#owner.streamFinished(this)
  }
}
