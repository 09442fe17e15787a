import { serviceCapabilities } from '@libp2p/interface'
import { ProtocolService, withTimeout } from '@libp2p/utils'
import {
  DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_OUTBOUND_STREAMS,
  DEFAULT_PROTOCOL_PREFIX, DEFAULT_TIMEOUT_MS, IDENTIFY_PROTOCOL_NAME, IDENTIFY_PROTOCOL_VERSION
} from './constants.js'
import { consumeIdentify } from './consume.js'
import { readIdentify, writeIdentify } from './message-io.js'
import { OwnMessage } from './own-message.js'
import type { IdentifyComponents, IdentifyInit, Identify as IdentifyInterface } from './types.js'
import type { AbortOptions, Connection, IdentifyResult, Logger, Startable, Stream } from '@libp2p/interface'

/**
 * `/ipfs/id/1.0.0`: answers identify requests with this node's identify message, and identifies
 * every new connection's peer (open a stream, read the message until EOF, check and store it,
 * dispatch `peer:identify`).
 */
export class Identify implements IdentifyInterface, Startable {
  readonly protocol: string
  readonly #components: IdentifyComponents
  readonly #log: Logger
  readonly #own: OwnMessage
  readonly #timeoutMs: number
  readonly #maxMessageSize: number
  readonly #maxMessages: number
  readonly #runOnConnectionOpen: boolean
  readonly #service: ProtocolService

  constructor (components: IdentifyComponents, init: IdentifyInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:identify')
    this.protocol = `/${init.protocolPrefix ?? DEFAULT_PROTOCOL_PREFIX}/${IDENTIFY_PROTOCOL_NAME}/${IDENTIFY_PROTOCOL_VERSION}`
    this.#own = new OwnMessage(components, init.agentVersion ?? components.nodeInfo.userAgent, this.#log)
    this.#timeoutMs = init.timeout ?? DEFAULT_TIMEOUT_MS
    this.#maxMessageSize = init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES
    this.#maxMessages = init.maxMessages ?? DEFAULT_MAX_MESSAGES
    this.#runOnConnectionOpen = init.runOnConnectionOpen ?? true
    this.#service = new ProtocolService({
      name: 'identify',
      protocol: this.protocol,
      registrar: components.registrar,
      handler: async (stream, connection) => { await this.#serve(stream, connection) },
      maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: init.runOnLimitedConnection ?? true
    })
  }

  readonly [Symbol.toStringTag] = '@libp2p/identify'
  /** what other services may depend on (js-libp2p's serviceCapabilities: `@libp2p/kad-dht` needs identify and ping) */
  readonly [serviceCapabilities] = ['@libp2p/identify']

  async start (): Promise<void> {
    if (this.#service.isStarted()) { return }
    await this.#service.start()
    if (this.#runOnConnectionOpen) {
      this.#components.events.addEventListener('connection:open', this.#onConnectionOpen)
    }
  }

  async stop (): Promise<void> {
    if (!this.#service.isStarted()) { return }
    this.#components.events.removeEventListener('connection:open', this.#onConnectionOpen)
    await this.#service.stop()
  }

  readonly #onConnectionOpen = (evt: CustomEvent<Connection>): void => {
    const connection = evt.detail
    if (connection.limits != null && !this.#service.runOnLimitedConnection) { return }
    this.identify(connection).catch(err => {
      this.#log('identify of %p on connection %s failed - %e', connection.remotePeer, connection.id, err)
    })
  }

  async identify (connection: Connection, options: AbortOptions = {}): Promise<IdentifyResult> {
    const shutdown = this.#service.startedSignal()
    const { signal, done } = withTimeout(this.#timeoutMs, `identify of ${connection.remotePeer} (timeout)`, shutdown, options.signal)
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(this.protocol, {
        signal,
        runOnLimitedConnection: this.#service.runOnLimitedConnection,
        maxOutboundStreams: this.#service.maxOutboundStreams
      })
      const message = await readIdentify(stream, { signal, maxMessageSize: this.#maxMessageSize, maxMessages: this.#maxMessages })
      const result = await consumeIdentify(this.#components, connection, message, { signal, push: false, log: this.#log })
      await stream.close({ signal })
      this.#components.events.safeDispatchEvent('peer:identify', { detail: result })
      return result
    } catch (err: any) {
      // whatever a wait threw, the deadline or the caller's signal is the cause
      const error = signal.aborted ? signal.reason : err
      stream?.abort(error)
      throw error
    } finally {
      done()
    }
  }

  /** answer an identify request: our message, then close */
  async #serve (stream: Stream, connection: Connection): Promise<void> {
    const { signal, done } = withTimeout(this.#timeoutMs, `answering identify from ${connection.remotePeer} (timeout)`, this.#service.signal)
    try {
      await writeIdentify(stream, await this.#own.parts(connection), { signal })
      await stream.close({ signal })
    } catch (err: any) {
      this.#log('answering identify from %p failed - %e', connection.remotePeer, err)
      stream.abort(err)
    } finally {
      done()
    }
  }
}
