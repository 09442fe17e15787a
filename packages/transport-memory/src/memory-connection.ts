import { StreamStateError } from '@libp2p/interface'
import { AbstractMessageStream } from '@libp2p/utils'
import { DEFAULT_MAX_IN_FLIGHT_BYTES } from './constants.js'
import { DeliveryQueue } from './delivery-queue.js'
import type { MultiaddrConnection } from '@libp2p/interface'
import type { MessageStreamInit, SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface MemoryConnectionInit extends MessageStreamInit {
  remoteAddr: Multiaddr
  /** one-way delay of everything this end sends (data, EOF, reset); 0 delivers synchronously */
  latencyMs?: number
  /** with a delay, send() reports back-pressure while this many bytes are on their way */
  maxInFlightBytes?: number
}

/**
 * One end of an in-process "socket". It behaves as utils' PairedMessageStream does (no copies,
 * real back-pressure from the reader's buffer) and adds the remote address, an optional one-way
 * delay that keeps order, and socket-like teardown: when one end is fully closed or destroyed,
 * the other end sees its transport close after everything already sent.
 */
export class MemoryConnection extends AbstractMessageStream implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  peer?: MemoryConnection
  readonly #queue?: DeliveryQueue
  readonly #maxInFlightBytes: number
  #inFlightBytes = 0
  #waitingForDelivery = false
  #pausedByReader = false

  constructor (init: MemoryConnectionInit) {
    super({ ...init, closeMode: 'connection' })
    this.remoteAddr = init.remoteAddr
    const latencyMs = init.latencyMs ?? 0
    this.#queue = latencyMs > 0 ? new DeliveryQueue(latencyMs) : undefined
    this.#maxInFlightBytes = init.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES
  }

  /** bytes sent by this end that the other end has not received yet (always 0 without latency) */
  get inFlightBytes (): number {
    return this.#inFlightBytes
  }

  /**
   * The socket goes away. Without an error both ends see the transport close (EOF after the data
   * already sent; unsent data makes it an abort); with one, this end is aborted and the other
   * end is reset.
   */
  destroy (err?: Error): void {
    if (this.#isFinal()) { return }
    this.onTransportClosed(err)
    // a clean close told the peer in onFinished(); an abort (error or unsent data) resets it
    if (this.status === 'aborted') {
      this.#toPeer(peer => { peer.onRemoteReset() })
    }
  }

  protected sendData (data: Uint8ArrayList): SendResult {
    const peer = this.#peer()
    // copy, as a socket does: a receiver that mutates what it got must not change the sender's buffer
    const chunk = data.slice()
    const sentBytes = chunk.byteLength
    if (this.#queue == null) {
      peer.onData(chunk)
      return { sentBytes, canSendMore: !peer.#pausedByReader }
    }
    this.#inFlightBytes += sentBytes
    this.#queue.push(() => {
      this.#inFlightBytes -= sentBytes
      peer.onData(chunk)
      if (this.#waitingForDelivery && !peer.#pausedByReader && this.#inFlightBytes < this.#maxInFlightBytes) {
        this.#waitingForDelivery = false
        this.onTransportDrain()
      }
    })
    const canSendMore = !peer.#pausedByReader && this.#inFlightBytes < this.#maxInFlightBytes
    if (!canSendMore) { this.#waitingForDelivery = true }
    return { sentBytes, canSendMore }
  }

  protected sendCloseWrite (): void {
    this.#toPeer(peer => { peer.onRemoteCloseWrite() })
  }

  protected sendCloseRead (): void {}

  protected sendReset (): void {
    this.#toPeer(peer => { peer.onRemoteReset() })
  }

  protected sendPause (): void {
    this.#pausedByReader = true
  }

  protected sendResume (): void {
    this.#pausedByReader = false
    this.peer?.onTransportDrain()
  }

  protected onFinished (): void {
    // both directions closed cleanly: like a closed socket, the peer's transport closes too
    // (a no-op when it already closed; after our EOF, so it never overtakes data)
    if (this.status === 'closed') {
      this.#toPeer(peer => { peer.onTransportClosed() })
    }
  }

  #isFinal (): boolean {
    return this.status === 'closed' || this.status === 'aborted' || this.status === 'reset'
  }

  #toPeer (fn: (peer: MemoryConnection) => void): void {
    const peer = this.peer
    if (peer == null) { return }
    if (this.#queue == null) {
      fn(peer)
    } else {
      this.#queue.push(() => { fn(peer) })
    }
  }

  #peer (): MemoryConnection {
    if (this.peer == null) { throw new StreamStateError('the memory connection has no other end') }
    return this.peer
  }
}
