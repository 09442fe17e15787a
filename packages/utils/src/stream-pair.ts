import { StreamStateError } from '@libp2p/interface'
import { AbstractMessageStream } from './abstract-message-stream.js'
import type { MessageStreamInit, SendResult } from './abstract-message-stream.js'
import type { Logger } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** A logger that never prints, for streams created without one */
export function disabledLogger (): Logger {
  const log = (() => {}) as unknown as Logger
  log.error = () => {}
  log.trace = () => {}
  log.enabled = false
  // a scope of a silent logger is silent too
  log.newScope = () => log
  return log
}

/**
 * One end of an in-memory duplex. Bytes are handed to the other end synchronously (no copy), and
 * flow control is real: when the reader's buffer passes its limit the writer's sends stop until
 * the reader consumes, so back-pressure behaves as it does over a socket.
 */
export class PairedMessageStream extends AbstractMessageStream {
  peer?: PairedMessageStream
  #pausedByReader = false

  protected sendData (data: Uint8ArrayList): SendResult {
    const peer = this.#peer()
    const sentBytes = data.byteLength
    peer.onData(data.sublist())
    return { sentBytes, canSendMore: !peer.#pausedByReader }
  }

  protected sendCloseWrite (): void {
    this.#peer().onRemoteCloseWrite()
  }

  protected sendCloseRead (): void {}

  protected sendReset (): void {
    this.#peer().onRemoteReset()
  }

  protected sendPause (): void {
    this.#pausedByReader = true
  }

  protected sendResume (): void {
    this.#pausedByReader = false
    this.#peer().onTransportDrain()
  }

  #peer (): PairedMessageStream {
    if (this.peer == null) { throw new StreamStateError('the stream has no peer') }
    return this.peer
  }
}

export interface MessageStreamPairInit extends Partial<Omit<MessageStreamInit, 'direction'>> {}

/** two connected streams: [outbound, inbound] */
export function messageStreamPair (init: MessageStreamPairInit = {}): [PairedMessageStream, PairedMessageStream] {
  const log = init.log ?? disabledLogger()
  const id = init.id ?? `pair-${Math.random().toString(36).slice(2, 10)}`
  const a = new PairedMessageStream({ ...init, id: `${id}-out`, log, direction: 'outbound' })
  const b = new PairedMessageStream({ ...init, id: `${id}-in`, log, direction: 'inbound' })
  a.peer = b
  b.peer = a
  return [a, b]
}
