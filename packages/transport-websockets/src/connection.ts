import { InvalidMessageError, MessageTooLargeError } from '@libp2p/interface'
import { AbstractMessageStream } from '@libp2p/utils'
import { CLEAN_CLOSE_CODES, CLOSE_CODE_NORMAL, NODE_BUFFERED_HIGH_WATER_BYTES } from './constants.js'
import { messageBytes, toMessages } from './messages.js'
import type { AbortOptions, Direction, Logger, MultiaddrConnection } from '@libp2p/interface'
import type { MessageStreamInit, SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'
import type { WebSocket } from 'ws'

export interface WebSocketConnectionInit extends Omit<MessageStreamInit, 'id' | 'direction' | 'log'> {
  websocket: WebSocket
  direction: Direction
  remoteAddr: Multiaddr
  log: Logger
  /** sending pauses while `ws` holds this many unsent bytes (default NODE_BUFFERED_HIGH_WATER_BYTES) */
  maxBufferedAmount?: number
}

/** errors of the socket under the WebSocket that mean the remote reset the connection */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE'])

let nextId = 0

/**
 * An open `ws` WebSocket as a MultiaddrConnection (Node). Bytes travel as binary messages; the
 * semantics of docs/STREAMS.md come from AbstractMessageStream and map onto WebSocket as README.md
 * describes.
 *
 * closeWrite() sends a close frame (1000) once the write buffer is flushed. WebSocket has no
 * half-close: the remote reads everything sent before it, then EOF, and its WebSocket answers the
 * close frame at once, which ends its writing too. Messages it sent before answering are still
 * read here, then EOF.
 *
 * abort() drops the TCP connection without a close frame (`terminate()`): the remote sees close
 * code 1006, a reset. A close frame with 1000 or 1005 is EOF in both directions; any other code is
 * a reset.
 *
 * Back-pressure: sending stops while `ws` holds `maxBufferedAmount` bytes unsent, and
 * the write callback of the last message reports the drain. Reading pauses the socket
 * (`websocket.pause()`) once `readHighWaterMark` are unread. An incoming message over
 * `maxPayload` closes the connection with code 1009 and MessageTooLargeError; a malformed frame
 * with InvalidMessageError.
 */
export class WebSocketConnection extends AbstractMessageStream implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  readonly #ws: WebSocket
  readonly #maxBufferedAmount: number
  #blocked = false
  /** sendData() calls that handed ws a message */
  #batches = 0

  constructor (init: WebSocketConnectionInit) {
    const { websocket, remoteAddr, maxBufferedAmount, ...streamInit } = init
    super({ ...streamInit, closeMode: 'connection', id: `ws-${init.direction === 'inbound' ? 'in' : 'out'}-${++nextId}` })
    this.remoteAddr = remoteAddr
    this.#ws = websocket
    this.#maxBufferedAmount = maxBufferedAmount ?? NODE_BUFFERED_HIGH_WATER_BYTES

    websocket.binaryType = 'nodebuffer'
    websocket.on('message', (data: Buffer) => {
      this.onData(messageBytes(data))
    })
    websocket.on('error', (err: NodeJS.ErrnoException) => {
      this.#onError(err)
    })
    websocket.on('close', (code: number, reason: Buffer) => {
      this.#onClose(code, reason)
    })

    if (websocket.readyState === websocket.CLOSED) { this.onTransportClosed() }
  }

  #onError (err: NodeJS.ErrnoException): void {
    if (this.log.enabled) { this.log('%s websocket error %s %s', this.id, err.code ?? '', err.message) }
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.onTransportClosed(new MessageTooLargeError(`the remote sent a WebSocket message over the maxMessageSize limit: ${err.message}`))
    } else if (err.code?.startsWith('WS_ERR_') === true) {
      this.onTransportClosed(new InvalidMessageError(`the remote sent an invalid WebSocket frame: ${err.message}`))
    } else if (err.code != null && RESET_CODES.has(err.code)) {
      this.onRemoteReset()
    } else {
      this.onTransportClosed(err)
    }
  }

  #onClose (code: number, reason: Buffer): void {
    if (this.log.enabled) { this.log('%s websocket closed with code %d %s', this.id, code, reason.toString()) }
    if (CLEAN_CLOSE_CODES.has(code)) {
      this.onTransportClosed()
    } else {
      this.onRemoteReset()
    }
  }

  /** the last message handed to ws was written (`last`), or an earlier batch's last message */
  #onWritten (err: Error | undefined, last: boolean): void {
    // an error is reported through the 'error' and 'close' events
    if (err != null || !this.#blocked) { return }
    // after the last message everything of ours is written: what ws may still hold is its own
    // frames (pong, close), and waiting for those to fall under a small maxBufferedAmount could
    // wait for a callback that never comes
    if (last || this.#ws.bufferedAmount < this.#maxBufferedAmount) {
      this.#blocked = false
      this.onTransportDrain()
    }
  }

  protected sendData (data: Uint8ArrayList): SendResult {
    const ws = this.#ws
    if (ws.readyState !== ws.OPEN) {
      // the remote began the close handshake: nothing more can be sent, and the 'close' event
      // turns what is left in the write buffer into an error
      return { sentBytes: 0, canSendMore: false }
    }
    let last: Uint8Array | undefined
    for (const message of toMessages(data)) {
      if (last != null) { ws.send(last, { binary: true }) }
      last = message
    }
    if (last != null) {
      const batch = ++this.#batches
      ws.send(last, { binary: true }, (err?: Error) => { this.#onWritten(err, batch === this.#batches) })
    }
    const canSendMore = ws.bufferedAmount < this.#maxBufferedAmount
    this.#blocked = !canSendMore
    return { sentBytes: data.byteLength, canSendMore }
  }

  protected sendCloseWrite (_options?: AbortOptions): void {
    const ws = this.#ws
    // the close frame is queued behind every message already sent
    if (ws.readyState === ws.OPEN) { ws.close(CLOSE_CODE_NORMAL) }
  }

  protected sendCloseRead (): void {
    // WebSocket cannot tell the remote; the base class drops what still arrives
  }

  protected sendReset (): void {
    this.#ws.terminate()
  }

  protected sendPause (): void {
    this.#ws.pause()
  }

  protected sendResume (): void {
    this.#ws.resume()
  }

  protected onFinished (): void {
    const ws = this.#ws
    // a clean close has already exchanged close frames (or is finishing the exchange): leave it
    // to ws, which drops the socket after its close timeout at the latest
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) { ws.terminate() }
  }
}
