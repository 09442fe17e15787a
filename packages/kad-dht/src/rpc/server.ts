import { anySignal, lpStream, withTimeout } from '@libp2p/utils'
import { INCOMING_MESSAGE_TIMEOUT_MS, MAX_INBOUND_STREAMS, MAX_MESSAGE_SIZE, MAX_OUTBOUND_STREAMS } from '../constants.js'
import { decodeMessage, encodeMessage } from '../message/codec.js'
import { MessageType } from '../types.js'
import { handleRequest } from './handlers.js'
import type { DHTMetrics } from '../metrics.js'
import type { HandlerContext } from './handlers.js'
import type { ComponentLogger, Connection, Logger, Registrar, Stream } from '@libp2p/interface'

export interface RpcServerComponents {
  registrar: Registrar
  logger: ComponentLogger
}

export interface RpcServerInit {
  protocol: string
  logPrefix: string
  context: HandlerContext
  maxInboundStreams?: number
  maxOutboundStreams?: number
  /** ms an inbound stream may wait for its next request before it is closed */
  incomingMessageTimeout?: number
  /** counts requests by type, and failures (absent without metrics) */
  metrics?: DHTMetrics
}

/**
 * The inbound side: registered only while the DHT is in server mode (clients neither accept nor
 * advertise the protocol). A stream may carry several requests in turn (spec: implementations
 * must handle them); a malformed request or a failing handler resets that stream only.
 */
export class RpcServer {
  readonly #components: RpcServerComponents
  readonly #init: RpcServerInit
  readonly #log: Logger
  #shutdown = new AbortController()
  #registered = false

  constructor (components: RpcServerComponents, init: RpcServerInit) {
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent(`${init.logPrefix}:rpc`)
  }

  get registered (): boolean {
    return this.#registered
  }

  async register (): Promise<void> {
    if (this.#registered) { return }
    this.#shutdown = new AbortController()
    await this.#components.registrar.handle(this.#init.protocol, (stream, connection) => { void this.#serve(stream, connection) }, {
      maxInboundStreams: this.#init.maxInboundStreams ?? MAX_INBOUND_STREAMS,
      maxOutboundStreams: this.#init.maxOutboundStreams ?? MAX_OUTBOUND_STREAMS,
      force: true
    })
    this.#registered = true
  }

  /** stops accepting streams and aborts the requests being answered */
  async unregister (): Promise<void> {
    if (!this.#registered) { return }
    this.#registered = false
    this.#shutdown.abort()
    await this.#components.registrar.unhandle(this.#init.protocol)
  }

  async #serve (stream: Stream, connection: Connection): Promise<void> {
    // anySignal follows the shutdown signal through one shared listener, however many streams are served
    const request = anySignal(this.#shutdown.signal)
    try {
      await this.#answer(stream, connection, request.signal)
    } finally {
      request.done()
    }
  }

  async #answer (stream: Stream, connection: Connection, shutdown: AbortSignal): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
    const from = connection.remotePeer
    const metrics = this.#init.metrics
    let type = 'unknown'
    try {
      while (true) {
        const wait = withTimeout(this.#init.incomingMessageTimeout ?? INCOMING_MESSAGE_TIMEOUT_MS, 'the next DHT request', shutdown)
        let bytes
        try {
          bytes = await lp.read({ signal: wait.signal })
        } catch (err: any) {
          // the asker closed its side: every request it sent was answered
          if (err?.name === 'UnexpectedEOFError') { break }
          throw err
        } finally {
          wait.done()
        }
        const request = decodeMessage(bytes)
        if (metrics != null) {
          type = MessageType[request.type] ?? 'unknown'
          metrics.request(type)
        }
        const reply = await handleRequest(this.#init.context, from, request, { signal: shutdown })
        if (reply != null) { await lp.write(encodeMessage(reply), { signal: shutdown }) }
      }
      await stream.close({ signal: shutdown })
    } catch (err: any) {
      this.#log('request from %p failed - %e', from, err)
      metrics?.requestFailed(type)
      stream.abort(err)
    }
  }
}
