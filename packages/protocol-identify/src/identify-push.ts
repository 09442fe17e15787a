import { ProtocolError, serviceCapabilities } from '@libp2p/interface'
import { ProtocolService, withTimeout } from '@libp2p/utils'
import {
  DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGES, DEFAULT_MAX_PUSH_INBOUND_STREAMS, DEFAULT_MAX_PUSH_OUTBOUND_STREAMS,
  DEFAULT_PROTOCOL_PREFIX, DEFAULT_PUSH_CONCURRENCY, DEFAULT_PUSH_DEBOUNCE_MS, DEFAULT_TIMEOUT_MS, IDENTIFY_PROTOCOL_VERSION, IDENTIFY_PUSH_PROTOCOL_NAME
} from './constants.js'
import { consumeIdentify } from './consume.js'
import { readIdentify, writeIdentify } from './message-io.js'
import { OwnMessage } from './own-message.js'
import type { IdentifyPushComponents, IdentifyPushInit, IdentifyPush as IdentifyPushInterface } from './types.js'
import type { Connection, Logger, Startable, Stream } from '@libp2p/interface'

/**
 * `/ipfs/id/push/1.0.0`: tells connected peers that speak it when this node's protocols or
 * addresses change, and stores what peers push to us (fields they leave out stay as they were).
 */
export class IdentifyPush implements IdentifyPushInterface, Startable {
  readonly protocol: string
  readonly #components: IdentifyPushComponents
  readonly #log: Logger
  readonly #own: OwnMessage
  readonly #timeoutMs: number
  readonly #maxMessageSize: number
  readonly #maxMessages: number
  readonly #concurrency: number
  readonly #debounce: number
  readonly #runOnSelfUpdate: boolean
  readonly #service: ProtocolService
  /** the protocols and addresses last pushed, so an update that changes neither pushes nothing */
  #lastPushed?: string
  /** the push under way, and whether another was asked for while it ran */
  #running?: Promise<void>
  #again = false
  /** the debounce timer: a push starts when it fires */
  #debounceTimer?: ReturnType<typeof setTimeout>

  constructor (components: IdentifyPushComponents, init: IdentifyPushInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:identify-push')
    this.protocol = `/${init.protocolPrefix ?? DEFAULT_PROTOCOL_PREFIX}/${IDENTIFY_PUSH_PROTOCOL_NAME}/${IDENTIFY_PROTOCOL_VERSION}`
    this.#own = new OwnMessage(components, init.agentVersion ?? components.nodeInfo.userAgent, this.#log)
    this.#timeoutMs = init.timeout ?? DEFAULT_TIMEOUT_MS
    this.#maxMessageSize = init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES
    this.#maxMessages = init.maxMessages ?? DEFAULT_MAX_MESSAGES
    this.#concurrency = init.concurrency ?? DEFAULT_PUSH_CONCURRENCY
    this.#debounce = init.debounce ?? DEFAULT_PUSH_DEBOUNCE_MS
    this.#runOnSelfUpdate = init.runOnSelfUpdate ?? true
    this.#service = new ProtocolService({
      name: 'identify push',
      protocol: this.protocol,
      registrar: components.registrar,
      handler: async (stream, connection) => { await this.#receive(stream, connection) },
      maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_PUSH_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_PUSH_OUTBOUND_STREAMS,
      runOnLimitedConnection: init.runOnLimitedConnection ?? true
    })
  }

  readonly [Symbol.toStringTag] = '@libp2p/identify-push'
  /** what other services may depend on (js-libp2p's serviceCapabilities: `@libp2p/kad-dht` needs identify and ping) */
  readonly [serviceCapabilities] = ['@libp2p/identify-push']

  async start (): Promise<void> {
    if (this.#service.isStarted()) { return }
    await this.#service.start()
    if (this.#runOnSelfUpdate) {
      this.#components.events.addEventListener('self:peer:update', this.#onSelfUpdate)
    }
  }

  async stop (): Promise<void> {
    if (!this.#service.isStarted()) { return }
    this.#components.events.removeEventListener('self:peer:update', this.#onSelfUpdate)
    clearTimeout(this.#debounceTimer)
    this.#debounceTimer = undefined
    // stop() aborts the shutdown signal and marks the service stopped before its first await
    const stopped = this.#service.stop()
    this.#again = false
    await stopped
    await this.#running
  }

  readonly #onSelfUpdate = (): void => {
    if (!this.#service.isStarted()) { return }
    if (this.#debounce <= 0) {
      this.#schedulePush()
      return
    }
    // each update restarts the wait: a burst of updates ends in one push
    clearTimeout(this.#debounceTimer)
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = undefined
      this.#schedulePush()
    }, this.#debounce)
  }

  /** push now, or once more after the push under way */
  #schedulePush (): void {
    if (!this.#service.isStarted()) { return }
    if (this.#running != null) {
      this.#again = true
      return
    }
    this.#running = this.#pushIfChanged().finally(() => {
      this.#running = undefined
      if (this.#again) {
        this.#again = false
        this.#schedulePush()
      }
    })
  }

  async #pushIfChanged (): Promise<void> {
    const state = JSON.stringify([this.#components.registrar.getProtocols(), this.#own.listenAddrs().map(String)])
    if (state === this.#lastPushed) { return }
    this.#lastPushed = state
    await this.push().catch(err => { this.#log('push failed - %e', err) })
  }

  async push (): Promise<void> {
    const shutdown = this.#service.startedSignal()
    const targets = await this.#targets()
    this.#log('pushing to %d peers', targets.length)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < targets.length && !shutdown.aborted) {
        const connection = targets[next++]
        await this.#pushTo(connection, shutdown).catch(err => {
          this.#log('push to %p failed - %e', connection.remotePeer, err)
        })
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, targets.length) }, worker))
  }

  /** one open connection per connected peer known to speak the push protocol */
  async #targets (): Promise<Connection[]> {
    const byPeer = new Map<string, Connection>()
    for (const connection of this.#components.connectionManager.getConnections()) {
      if (connection.status !== 'open') { continue }
      if (connection.limits != null && !this.#service.runOnLimitedConnection) { continue }
      const key = connection.remotePeer.toString()
      const seen = byPeer.get(key)
      // prefer an unlimited connection
      if (seen == null || (seen.limits != null && connection.limits == null)) { byPeer.set(key, connection) }
    }
    const out: Connection[] = []
    for (const connection of byPeer.values()) {
      try {
        const peer = await this.#components.peerStore.get(connection.remotePeer)
        if (peer.protocols.includes(this.protocol)) { out.push(connection) }
      } catch {
        // not identified yet: it will get our current state from identify
      }
    }
    return out
  }

  async #pushTo (connection: Connection, shutdown: AbortSignal): Promise<void> {
    const { signal, done } = withTimeout(this.#timeoutMs, `identify push to ${connection.remotePeer} (timeout)`, shutdown)
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(this.protocol, {
        signal,
        runOnLimitedConnection: this.#service.runOnLimitedConnection,
        maxOutboundStreams: this.#service.maxOutboundStreams
      })
      await writeIdentify(stream, await this.#own.parts(connection), { signal })
      await stream.close({ signal })
      // the stream counts against maxOutboundStreams until the remote's EOF ends it: a push right
      // after this one (a handle() then an unhandle()) must not be refused
      if (await stream.read({ signal }) != null) {
        throw new ProtocolError(`${connection.remotePeer} answered an identify push`)
      }
    } catch (err: any) {
      const error = signal.aborted ? signal.reason : err
      stream?.abort(error)
      throw error
    } finally {
      done()
    }
  }

  /** a peer pushed its identify: read it to EOF, check and store it, then close */
  async #receive (stream: Stream, connection: Connection): Promise<void> {
    const { signal, done } = withTimeout(this.#timeoutMs, `identify push from ${connection.remotePeer} (timeout)`, this.#service.signal)
    try {
      const message = await readIdentify(stream, { signal, maxMessageSize: this.#maxMessageSize, maxMessages: this.#maxMessages })
      const result = await consumeIdentify(this.#components, connection, message, { signal, push: true, log: this.#log })
      await stream.close({ signal })
      this.#components.events.safeDispatchEvent('peer:identify', { detail: result })
    } catch (err: any) {
      const error = signal.aborted ? signal.reason : err
      this.#log('identify push from %p rejected - %e', connection.remotePeer, error)
      stream.abort(error)
    } finally {
      done()
    }
  }
}
