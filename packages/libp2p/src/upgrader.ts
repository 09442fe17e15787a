import { ConnectionDeniedError, EncryptionFailedError, InvalidParametersError, MuxerUnavailableError, TimeoutError } from '@libp2p/interface'
import { handle, select } from '@libp2p/multistream-select'
import { withTimeout } from '@libp2p/utils'
import { Connection } from './connection.js'
import { INBOUND_UPGRADE_TIMEOUT_MS, OUTBOUND_UPGRADE_TIMEOUT_MS } from './constants.js'
import { peerIdFromMultiaddr } from './get-peer.js'
import { UpgraderMetrics } from './upgrader-metrics.js'
import type {
  ComponentLogger, ConnectionEncrypter, ConnectionGater, ConnectionManager, Direction, Libp2pEvents, Logger,
  MessageStream, Metrics, MultiaddrConnection, PeerId, Registrar, StreamMuxerFactory, TypedEventTarget, Upgrader as UpgraderInterface,
  UpgraderOptions, Connection as ConnectionInterface
} from '@libp2p/interface'

export interface UpgraderComponents {
  connectionGater: ConnectionGater
  connectionManager: Pick<ConnectionManager, 'acceptIncomingConnection' | 'afterUpgradeInbound'> & Partial<Pick<ConnectionManager, 'getConnections'>>
  registrar: Registrar
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  metrics?: Metrics
}

export interface UpgraderInit {
  connectionEncrypters: ConnectionEncrypter[]
  streamMuxers: StreamMuxerFactory[]
  /** ms an inbound connection's upgrade (encrypter, muxer and their handshakes) may take */
  inboundUpgradeTimeout?: number
  /** ms an outbound connection's upgrade may take (js-libp2p bounds it by the dial timeout only) */
  outboundUpgradeTimeout?: number
  /** ms protocol negotiation on a new inbound stream may take */
  inboundStreamProtocolNegotiationTimeout?: number
  /** ms protocol negotiation on a new outbound stream may take when the caller passes no signal */
  outboundStreamProtocolNegotiationTimeout?: number
}

let connectionCount = 0

/**
 * Raw connection → libp2p connection, one linear function per direction:
 * gater → encrypter (multistream-select, optimistic with one encrypter) → gater →
 * muxer (from the Noise handshake, or multistream-select) → gater → `connection:open`.
 * The whole upgrade shares one deadline; on any failure the raw connection is aborted.
 */
export class Upgrader implements UpgraderInterface {
  readonly #components: UpgraderComponents
  readonly #encrypters: Map<string, ConnectionEncrypter>
  readonly #muxers: Map<string, StreamMuxerFactory>
  readonly #init: UpgraderInit
  readonly #log: Logger
  readonly #metrics?: UpgraderMetrics

  constructor (components: UpgraderComponents, init: UpgraderInit) {
    this.#components = components
    this.#init = init
    this.#encrypters = new Map(init.connectionEncrypters.map(e => [e.protocol, e]))
    this.#muxers = new Map(init.streamMuxers.map(m => [m.protocol, m]))
    this.#log = components.logger.forComponent('libp2p:upgrader')
    this.#metrics = components.metrics == null ? undefined : new UpgraderMetrics(components.metrics)
  }

  async upgradeInbound (maConn: MultiaddrConnection, options: UpgraderOptions = {}): Promise<ConnectionInterface> {
    const { connectionManager, connectionGater } = this.#components
    if (!await connectionManager.acceptIncomingConnection(maConn)) {
      const err = new ConnectionDeniedError('the connection manager refused the inbound connection')
      this.#metrics?.refused('inbound', err)
      maConn.abort(err)
      throw err
    }
    try {
      if (await connectionGater.denyInboundConnection?.(maConn) === true) {
        throw new ConnectionDeniedError('the connection gater refused the inbound connection')
      }
      return await this.#upgrade(maConn, 'inbound', options, this.#init.inboundUpgradeTimeout ?? INBOUND_UPGRADE_TIMEOUT_MS)
    } finally {
      connectionManager.afterUpgradeInbound()
    }
  }

  async upgradeOutbound (maConn: MultiaddrConnection, options: UpgraderOptions = {}): Promise<ConnectionInterface> {
    // as in js-libp2p: before any handshake, when the dial names the peer or the address ends in /p2p/<peer>
    try {
      const expected = options.remotePeer ?? peerIdFromMultiaddr(maConn.remoteAddr)
      if (expected != null && await this.#components.connectionGater.denyOutboundConnection?.(expected, maConn) === true) {
        throw new ConnectionDeniedError(`the connection gater refused the outbound connection to ${expected.toString()}`)
      }
    } catch (err: any) {
      this.#metrics?.refused('outbound', err)
      maConn.abort(err)
      throw err
    }
    return this.#upgrade(maConn, 'outbound', options, this.#init.outboundUpgradeTimeout ?? OUTBOUND_UPGRADE_TIMEOUT_MS)
  }

  async #upgrade (maConn: MultiaddrConnection, direction: Direction, options: UpgraderOptions, timeoutMs: number): Promise<ConnectionInterface> {
    // a deadline released when the upgrade settles, not left to the garbage collector
    const deadline = withTimeout(timeoutMs, 'the upgrade', options.signal)
    const signal = deadline.signal
    const gater = this.#components.connectionGater
    this.#metrics?.started(maConn, direction)
    try {
      let stream: MessageStream = maConn
      let remotePeer: PeerId
      let encryption: string | undefined
      let muxerFactory = options.muxerFactory

      if (options.skipEncryption === true) {
        if (options.remotePeer == null) { throw new InvalidParametersError('skipEncryption needs remotePeer') }
        remotePeer = options.remotePeer
      } else {
        const secured = await this.#encrypt(maConn, direction, options.remotePeer, signal)
        stream = secured.connection
        remotePeer = this.#samePeerId(secured.remotePeer)
        encryption = secured.protocol
        muxerFactory ??= secured.streamMuxer
      }
      const deniedEncrypted = direction === 'inbound'
        ? await gater.denyInboundEncryptedConnection?.(remotePeer, maConn)
        : await gater.denyOutboundEncryptedConnection?.(remotePeer, maConn)
      if (deniedEncrypted === true) { throw new ConnectionDeniedError(`the connection gater refused ${remotePeer} after encryption`) }

      if (muxerFactory == null) {
        // the muxer reads through the stream select() returned: with optimistic select that
        // stream still takes the remote's confirmation off the front before any muxer frame
        const negotiated = await this.#negotiateMuxer(stream, direction, signal)
        muxerFactory = negotiated.factory
        stream = negotiated.stream
      }
      const deniedUpgraded = direction === 'inbound'
        ? await gater.denyInboundUpgradedConnection?.(remotePeer, maConn)
        : await gater.denyOutboundUpgradedConnection?.(remotePeer, maConn)
      if (deniedUpgraded === true) { throw new ConnectionDeniedError(`the connection gater refused ${remotePeer} after muxer negotiation`) }

      const muxer = muxerFactory.createStreamMuxer(stream, { direction })
      const id = `${(connectionCount++).toString(36)}`
      const connection = new Connection({
        id,
        remoteAddr: maConn.remoteAddr,
        remotePeer,
        direction,
        maConn,
        muxer,
        encryption,
        limits: options.limits,
        registrar: this.#components.registrar,
        logger: this.#components.logger,
        metrics: this.#components.metrics,
        inboundStreamProtocolNegotiationTimeout: this.#init.inboundStreamProtocolNegotiationTimeout,
        outboundStreamProtocolNegotiationTimeout: this.#init.outboundStreamProtocolNegotiationTimeout
      })
      this.#components.events.safeDispatchEvent('connection:open', { detail: connection })
      return connection
    } catch (err: any) {
      const reason = signal.aborted && options.signal?.aborted !== true
        ? new TimeoutError(`${direction} upgrade did not finish within ${timeoutMs} ms`)
        : err
      this.#log('%s upgrade of %a failed - %e', direction, maConn.remoteAddr, reason)
      this.#metrics?.failed(direction, reason)
      maConn.abort(reason)
      throw reason
    } finally {
      deadline.done()
    }
  }

  /**
   * The PeerId object of an open connection to that peer, if there is one: the handshake made a
   * new one (with its public key and key objects), and a node with many connections to one peer
   * need not keep a copy per connection.
   */
  #samePeerId (peer: PeerId): PeerId {
    const existing = this.#components.connectionManager.getConnections?.(peer)
    if (existing == null || existing.length === 0) { return peer }
    const known = existing[0].remotePeer
    // never trade a PeerId that carries its public key for one that does not
    return known.publicKey != null || peer.publicKey == null ? known : peer
  }

  async #encrypt (maConn: MultiaddrConnection, direction: Direction, remotePeer: PeerId | undefined, signal: AbortSignal): Promise<{ connection: MessageStream, remotePeer: PeerId, protocol: string, streamMuxer?: StreamMuxerFactory }> {
    const protocols = [...this.#encrypters.keys()]
    const negotiated = direction === 'outbound'
      ? await select(maConn, protocols, { signal, log: maConn.log })
      : await handle(maConn, protocols, { signal, log: maConn.log })
    const protocol = negotiated.protocol
    const encrypter = this.#encrypters.get(protocol)
    if (encrypter == null) { throw new EncryptionFailedError(`no encrypter for ${protocol}`) }
    const streamMuxers = [...this.#muxers.values()]
    try {
      const secured = direction === 'outbound'
        ? await encrypter.secureOutbound(negotiated, { remotePeer, signal, streamMuxers })
        : await encrypter.secureInbound(negotiated, { signal, streamMuxers })
      return { ...secured, protocol }
    } catch (err: any) {
      if (err?.name === 'UnexpectedPeerError' || err?.name === 'AbortError' || err?.name === 'TimeoutError') { throw err }
      throw new EncryptionFailedError(`${protocol} handshake failed: ${err?.message ?? err}`, { cause: err })
    }
  }

  async #negotiateMuxer (stream: MessageStream, direction: Direction, signal: AbortSignal): Promise<{ factory: StreamMuxerFactory, stream: MessageStream }> {
    const protocols = [...this.#muxers.keys()]
    if (protocols.length === 0) { throw new MuxerUnavailableError('no stream muxers are configured') }
    const negotiated = direction === 'outbound'
      ? await select(stream, protocols, { signal, log: stream.log })
      : await handle(stream, protocols, { signal, log: stream.log })
    const factory = this.#muxers.get(negotiated.protocol)
    if (factory == null) { throw new MuxerUnavailableError(`no muxer for ${negotiated.protocol}`) }
    return { factory, stream: negotiated }
  }
}
