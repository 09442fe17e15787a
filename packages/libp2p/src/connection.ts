import { ConnectionClosedError, LimitExceededError, StreamAbortEvent, StreamCloseEvent, TypedEventEmitter } from '@libp2p/interface'
import { handle, select } from '@libp2p/multistream-select'
import { withTimeout } from '@libp2p/utils'
import { DEFAULT_MAX_OUTBOUND_STREAMS, INBOUND_STREAM_NEGOTIATION_TIMEOUT_MS, OUTBOUND_STREAM_NEGOTIATION_TIMEOUT_MS } from './constants.js'
import { LimitedConnectionError } from './errors.js'
import type {
  AbortOptions, ComponentLogger, Connection as ConnectionInterface, CreateStreamOptions, ConnectionEvents, ConnectionLimits, ConnectionStatus,
  ConnectionTimeline, Direction, Logger, Metrics, MultiaddrConnection, NewStreamOptions, PeerId, Registrar, Stream, StreamMuxer
} from '@libp2p/interface'
import type { Deadline } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * createStream() options whose signal is a withTimeout() deadline made only if the muxer reads it
 * (a class with a prototype getter: an object literal with a getter is slow to make and to use);
 * done() once createStream() settled
 */
class DeadlineOnDemand implements CreateStreamOptions {
  readonly protocol: string
  readonly #ms: number
  #deadline?: Deadline

  constructor (protocol: string, ms: number) {
    this.protocol = protocol
    this.#ms = ms
  }

  get signal (): AbortSignal {
    this.#deadline ??= withTimeout(this.#ms, `opening a ${this.protocol} stream (outboundStreamProtocolNegotiationTimeout)`)
    return this.#deadline.signal
  }

  done (): void {
    this.#deadline?.done()
  }
}

export interface ConnectionInit {
  id: string
  remoteAddr: Multiaddr
  remotePeer: PeerId
  direction: Direction
  maConn: MultiaddrConnection
  muxer: StreamMuxer
  encryption?: string
  limits?: ConnectionLimits
  registrar: Registrar
  /** counts each stream's bytes under its protocol once negotiated (absent: nothing is counted) */
  metrics?: Metrics
  /** makes the connection's logger (libp2p:connection:<direction>:<id>) when it is first used: a debug logger per connection is ~300 bytes */
  logger: ComponentLogger
  /** ms */
  inboundStreamProtocolNegotiationTimeout?: number
  /** ms */
  outboundStreamProtocolNegotiationTimeout?: number
}

/**
 * An upgraded connection: streams come from the muxer and are bound to a protocol with
 * multistream-select; inbound streams go to the registrar's handler for their protocol, within
 * the handler's per-connection stream limits.
 */
export class Connection extends TypedEventEmitter<ConnectionEvents> implements ConnectionInterface {
  readonly id: string
  readonly remoteAddr: Multiaddr
  readonly remotePeer: PeerId
  readonly direction: Direction
  readonly timeline: ConnectionTimeline
  readonly encryption?: string
  readonly multiplexer: string
  readonly limits?: ConnectionLimits
  readonly direct: boolean
  /** ms of the last round trip the connection monitor measured; undefined until it pings */
  rtt?: number

  #status: ConnectionStatus = 'open'
  readonly #maConn: MultiaddrConnection
  #logger?: ComponentLogger
  #log?: Logger
  readonly #muxer: StreamMuxer
  readonly #registrar: Registrar
  readonly #metrics?: Metrics
  readonly #inboundTimeoutMs: number
  readonly #outboundTimeoutMs: number

  constructor (init: ConnectionInit) {
    super()
    this.id = init.id
    this.remoteAddr = init.remoteAddr
    this.remotePeer = init.remotePeer
    this.direction = init.direction
    this.encryption = init.encryption
    this.multiplexer = init.muxer.protocol
    this.limits = init.limits
    this.direct = init.maConn.direct ?? true
    this.#logger = init.logger
    this.timeline = { open: init.maConn.timeline.open, upgraded: Date.now() }
    this.#maConn = init.maConn
    this.#muxer = init.muxer
    this.#registrar = init.registrar
    this.#metrics = init.metrics
    this.#inboundTimeoutMs = init.inboundStreamProtocolNegotiationTimeout ?? INBOUND_STREAM_NEGOTIATION_TIMEOUT_MS
    this.#outboundTimeoutMs = init.outboundStreamProtocolNegotiationTimeout ?? OUTBOUND_STREAM_NEGOTIATION_TIMEOUT_MS

    this.#muxer.addEventListener('stream', (evt) => {
      void this.#onIncomingStream(evt.detail)
    })
    const onClosed = (evt: CustomEvent<{ error?: Error }>): void => { this.#onClosed(evt.detail.error) }
    this.#muxer.addEventListener('close', onClosed)
    this.#maConn.addEventListener('close', onClosed)
  }

  get log (): Logger {
    if (this.#log === undefined) {
      this.#log = (this.#logger as ComponentLogger).forComponent(`libp2p:connection:${this.direction}:${this.id}`)
      this.#logger = undefined
    }
    return this.#log
  }

  get streams (): Stream[] {
    return this.#muxer.streams
  }

  /**
   * 'closing' as well once the muxer takes no new streams because the remote is going away (a
   * yamux GoAway): such a connection is not handed out for new streams while its last ones finish
   */
  get status (): ConnectionStatus {
    return this.#status === 'open' && this.#muxer.status !== 'open' ? 'closing' : this.#status
  }

  async newStream (protocols: string | string[], options: NewStreamOptions = {}): Promise<Stream> {
    if (this.status !== 'open') {
      throw new ConnectionClosedError(`connection is ${this.status}`)
    }
    const list = Array.isArray(protocols) ? protocols : [protocols]
    if (this.limits != null && options.runOnLimitedConnection !== true) {
      throw new LimitedConnectionError(`cannot open a ${list.join('/')} stream on a limited connection without runOnLimitedConnection`)
    }
    if (list.length === 1) {
      // with one protocol the limit can be checked before the remote sees a stream at all
      this.#checkOutboundLimit(list[0], options.maxOutboundStreams, 1)
    }
    // Without the caller's signal the negotiation is bounded by outboundStreamProtocolNegotiationTimeout
    // through multistream-select's timeout, whose deadlines share one timer: no AbortSignal and
    // no timer per stream. A muxer that must wait before it can open the stream (yamux past 256
    // unacknowledged ones) gets a signal, made only if it asks for one.
    const signal = options.signal
    const startedAt = signal == null ? performance.now() : 0
    const onDemand = signal == null ? new DeadlineOnDemand(list[0], this.#outboundTimeoutMs) : undefined
    let muxed: Stream
    try {
      muxed = await this.#muxer.createStream(onDemand ?? { signal, protocol: list[0] })
    } finally {
      onDemand?.done()
    }
    try {
      // whole ms, rounded down: deadlines share a queue and a timer per duration, and a fractional
      // remainder made a new duration (a queue and a setTimeout) for every stream
      const timeoutMs = signal == null ? Math.max(1, Math.floor(this.#outboundTimeoutMs - (performance.now() - startedAt))) : undefined
      const stream = await select(muxed, list, { signal, timeout: timeoutMs, log: muxed.log, negotiateFully: options.negotiateFully })
      muxed.protocol = stream.protocol // the muxer's list is what stream limits count
      this.#metrics?.trackProtocolStream(muxed)
      this.#checkOutboundLimit(stream.protocol, options.maxOutboundStreams, 0)
      return stream
    } catch (err: any) {
      muxed.abort(err)
      throw err
    }
  }

  async close (options?: AbortOptions): Promise<void> {
    if (this.#status !== 'open') { return }
    this.#status = 'closing'
    try {
      await this.#muxer.close(options)
      await this.#maConn.close(options)
    } catch (err: any) {
      this.abort(err)
    }
    this.#onClosed()
  }

  abort (err: Error): void {
    if (this.#status === 'closed') { return }
    this.#muxer.abort(err)
    this.#maConn.abort(err)
    this.#onClosed(err)
  }

  #onClosed (error?: Error): void {
    if (this.#status === 'closed') { return }
    this.#status = 'closed'
    this.timeline.close = Date.now()
    if (error != null) { this.log('connection %s closed with error - %e', this.id, error) }
    this.dispatchEvent(error == null ? new StreamCloseEvent() : new StreamAbortEvent(error))
  }

  async #onIncomingStream (muxed: Stream): Promise<void> {
    try {
      const stream = await handle(muxed, this.#registrar.getProtocols(), {
        timeout: this.#inboundTimeoutMs,
        log: muxed.log
      })
      muxed.protocol = stream.protocol
      this.#metrics?.trackProtocolStream(muxed)
      const { handler, options } = this.#registrar.getHandler(stream.protocol)
      if (this.limits != null && !options.runOnLimitedConnection) {
        throw new LimitedConnectionError(`${stream.protocol} does not run on limited connections`)
      }
      if (this.#countStreams(stream.protocol, 'inbound') > options.maxInboundStreams) {
        throw new LimitExceededError('maxInboundStreams', options.maxInboundStreams, `too many inbound ${stream.protocol} streams on connection ${this.id}`)
      }
      await handler(stream, this)
    } catch (err: any) {
      this.log('inbound stream %s failed - %e', muxed.id, err)
      muxed.abort(err)
    }
  }

  /** `adding`: 1 when the new stream is not in the muxer's list yet */
  #checkOutboundLimit (protocol: string, requested: number | undefined, adding: number): void {
    const limit = requested ?? this.#handlerLimit(protocol) ?? DEFAULT_MAX_OUTBOUND_STREAMS
    if (this.#countStreams(protocol, 'outbound') + adding > limit) {
      throw new LimitExceededError('maxOutboundStreams', limit, `too many outbound ${protocol} streams on connection ${this.id}`)
    }
  }

  #handlerLimit (protocol: string): number | undefined {
    try {
      return this.#registrar.getHandler(protocol).options.maxOutboundStreams
    } catch {
      return undefined
    }
  }

  #countStreams (protocol: string, direction: Direction): number {
    let n = 0
    for (const s of this.#muxer.streams) {
      if (s.protocol === protocol && s.direction === direction) { n++ }
    }
    return n
  }
}
