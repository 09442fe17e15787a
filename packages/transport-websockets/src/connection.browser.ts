import { AbstractMessageStream } from '@libp2p/utils'
import {
  BROWSER_BUFFERED_HIGH_WATER_BYTES, BROWSER_BUFFERED_LOW_WATER_DIVISOR, BROWSER_DRAIN_CHECK_MAX_DELAY_MS,
  BROWSER_DRAIN_CHECK_MIN_DELAY_MS, CLEAN_CLOSE_CODES, CLOSE_CODE_NORMAL, CLOSE_CODE_RESET
} from './constants.js'
import { messageBytes, toMessages } from './messages.js'
import type { AbortOptions, Direction, Logger, MultiaddrConnection } from '@libp2p/interface'
import type { MessageStreamInit, SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface BrowserWebSocketConnectionInit extends Omit<MessageStreamInit, 'id' | 'direction' | 'log'> {
  websocket: WebSocket
  direction: Direction
  remoteAddr: Multiaddr
  log: Logger
  /** sending pauses while `bufferedAmount` is at least this (default BROWSER_BUFFERED_HIGH_WATER_BYTES) */
  maxBufferedAmount?: number
  /** while paused, `bufferedAmount` is checked at least this many ms apart (default BROWSER_DRAIN_CHECK_MAX_DELAY_MS) */
  bufferedAmountPollInterval?: number
}

let nextId = 0

/**
 * A browser's native WebSocket as a MultiaddrConnection, with the semantics of the Node one
 * (connection.ts) where the browser API allows; README.md describes the mapping.
 *
 * closeWrite() sends close code 1000 once the write buffer is flushed. Unlike `ws`, a browser
 * drops messages that arrive after it started closing, so EOF is all that is read afterwards.
 * abort() sends CLOSE_CODE_RESET (4000): a page can neither drop the TCP connection nor send
 * 1011. The remote sees a reset.
 *
 * Back-pressure: WebSocket has no drain event. Sending stops while `bufferedAmount` is at least
 * `maxBufferedAmount`; while held, the amount is checked after every incoming message and on a
 * timer whose delay doubles from BROWSER_DRAIN_CHECK_MIN_DELAY_MS to `bufferedAmountPollInterval`,
 * and sending resumes at `maxBufferedAmount / BROWSER_BUFFERED_LOW_WATER_DIVISOR`. No timer runs
 * while sending is not held.
 *
 * Reading cannot be paused (the API has no way to): unread bytes are bounded by the flow control
 * of the muxer above (the Yamux window), not by this connection.
 */
export class BrowserWebSocketConnection extends AbstractMessageStream implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  readonly #ws: WebSocket
  #blocked = false
  #drainTimer?: ReturnType<typeof setTimeout>
  readonly #highWater: number
  readonly #lowWater: number
  readonly #minDelayMs: number
  readonly #maxDelayMs: number
  #drainDelayMs: number

  constructor (init: BrowserWebSocketConnectionInit) {
    const { websocket, remoteAddr, maxBufferedAmount, bufferedAmountPollInterval, ...streamInit } = init
    super({ ...streamInit, closeMode: 'connection', id: `ws-${init.direction === 'inbound' ? 'in' : 'out'}-${++nextId}` })
    this.remoteAddr = remoteAddr
    this.#ws = websocket
    this.#highWater = maxBufferedAmount ?? BROWSER_BUFFERED_HIGH_WATER_BYTES
    this.#lowWater = Math.floor(this.#highWater / BROWSER_BUFFERED_LOW_WATER_DIVISOR)
    this.#maxDelayMs = bufferedAmountPollInterval ?? BROWSER_DRAIN_CHECK_MAX_DELAY_MS
    this.#minDelayMs = Math.min(BROWSER_DRAIN_CHECK_MIN_DELAY_MS, this.#maxDelayMs)
    this.#drainDelayMs = this.#minDelayMs
    websocket.binaryType = 'arraybuffer'
    websocket.addEventListener('message', (evt: MessageEvent<ArrayBuffer | string>) => {
      this.onData(messageBytes(evt.data))
      if (this.#blocked) { this.#checkDrain() }
    })
    websocket.addEventListener('error', () => {
      // browsers give no detail; a 'close' event always follows
      if (this.log.enabled) { this.log('%s websocket error', this.id) }
    })
    websocket.addEventListener('close', (evt: CloseEvent) => {
      if (this.log.enabled) { this.log('%s websocket closed with code %d %s', this.id, evt.code, evt.reason) }
      if (CLEAN_CLOSE_CODES.has(evt.code)) {
        this.onTransportClosed()
      } else {
        this.onRemoteReset()
      }
    })
    if (websocket.readyState === WebSocket.CLOSED) { this.onTransportClosed() }
  }

  #checkDrain (): void {
    if (!this.#blocked) { return }
    if (this.#ws.bufferedAmount <= this.#lowWater) {
      this.#blocked = false
      clearTimeout(this.#drainTimer)
      this.#drainTimer = undefined
      this.#drainDelayMs = this.#minDelayMs
      this.onTransportDrain()
      return
    }
    if (this.#drainTimer == null) {
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined
        this.#drainDelayMs = Math.min(this.#drainDelayMs * 2, this.#maxDelayMs)
        this.#checkDrain()
      }, this.#drainDelayMs)
    }
  }

  protected sendData (data: Uint8ArrayList): SendResult {
    const ws = this.#ws
    if (ws.readyState !== WebSocket.OPEN) {
      // closing: the 'close' event turns what is left in the write buffer into an error
      return { sentBytes: 0, canSendMore: false }
    }
    for (const message of toMessages(data)) {
      ws.send(sendable(message))
    }
    const canSendMore = ws.bufferedAmount < this.#highWater
    if (!canSendMore) {
      this.#blocked = true
      this.#checkDrain()
    }
    return { sentBytes: data.byteLength, canSendMore }
  }

  protected sendCloseWrite (_options?: AbortOptions): void {
    if (this.#ws.readyState === WebSocket.OPEN) { this.#ws.close(CLOSE_CODE_NORMAL) }
  }

  protected sendCloseRead (): void {
    // WebSocket cannot tell the remote; the base class drops what still arrives
  }

  protected sendReset (): void {
    this.#ws.close(CLOSE_CODE_RESET, 'reset')
  }

  protected onFinished (): void {
    clearTimeout(this.#drainTimer)
    this.#drainTimer = undefined
    const ws = this.#ws
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) { ws.close(CLOSE_CODE_RESET, 'reset') }
  }
}

/**
 * WebSocket.send() takes no view of a SharedArrayBuffer (a TypeError): such a chunk is copied;
 * every other message goes as it is
 */
function sendable (message: Uint8Array): Uint8Array<ArrayBuffer> {
  return message.buffer instanceof ArrayBuffer ? message as Uint8Array<ArrayBuffer> : message.slice()
}
