import { AbortError, InvalidMessageError, LimitExceededError, MessageTooLargeError, TypedEventEmitter } from '@libp2p/interface'
import { HandshakeStream, closeAndWait, ipOf, isCircuitAddress, withTimeout } from '@libp2p/utils'
import {
  DEFAULT_DATA_LIMIT_BYTES, DEFAULT_DURATION_LIMIT_MS, DEFAULT_HOP_TIMEOUT_MS, DEFAULT_MAX_CIRCUITS, DEFAULT_MAX_CIRCUITS_PER_PEER,
  DEFAULT_MAX_INBOUND_HOP_STREAMS, DEFAULT_MAX_OUTBOUND_STOP_STREAMS, DEFAULT_MAX_RESERVATIONS,
  DEFAULT_MAX_RESERVATIONS_PER_IP, DEFAULT_RESERVATION_CLEAR_INTERVAL_MS, DEFAULT_RESERVATION_TTL_MS, MAX_RESERVATION_ADDRS, RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC, RESERVATION_TAG, RESERVATION_TAG_VALUE
} from '../constants.js'
import { RelayRefusedError } from '../errors.js'
import { checkServerInit } from '../init-schema.js'
import { hopCodec, peerIdFromPeer, readMessage, stopCodec } from '../messages.js'
import { HopMessage, Status, StopMessage } from '../pb/circuit.js'
import { splice } from '../splice.js'
import { ReservationVoucherRecord, sealVoucher } from '../voucher.js'
import { RelayServerMetrics } from './metrics.js'
import { ReservationStore } from './reservation-store.js'
import { ReservationsView, toRelayReservation } from './reservations-view.js'
import type { CircuitRelayServiceEvents, ReadonlyReservations } from './reservations-view.js'
import type { Limit } from '../pb/circuit.js'
import type {
  AddressManager, ComponentLogger, Connection, ConnectionGater, ConnectionManager, Libp2pEvents, Logger, Metrics, PeerId, PeerStore, PrivateKey, Registrar, Startable,
  Stream, TypedEventTarget
} from '@libp2p/interface'

export interface CircuitRelayServerComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Registrar
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  addressManager: Pick<AddressManager, 'getAddresses'>
  peerStore: Pick<PeerStore, 'merge'>
  /** asked about each reservation (denyInboundRelayReservation) and circuit (denyOutboundRelayedConnection) */
  connectionGater: Pick<ConnectionGater, 'denyInboundRelayReservation' | 'denyOutboundRelayedConnection'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** where reservations, circuits and relayed bytes are recorded, when the node has metrics */
  metrics?: Metrics
}

export interface RelayReservationsInit {
  /** reservations held at once (default 15) */
  maxReservations?: number
  /** reservations from one IP at once (default 4) */
  maxReservationsPerIp?: number
  /** how long a reservation lasts, in ms (default 2 hours) */
  reservationTtl?: number
  /**
   * how often expired reservations are dropped, in ms (default 5 minutes); a full store and a
   * CONNECT to the peer also drop an expired one at once
   */
  reservationClearInterval?: number
  /** send and enforce the default limits on circuits (default true) */
  applyDefaultLimit?: boolean
  /** a circuit's duration limit, in ms (default 2 minutes; sent in whole seconds, at least 1) */
  defaultDurationLimit?: number
  /** a circuit's data limit in each direction, in bytes (default 128 KiB) */
  defaultDataLimit?: bigint
}

export interface CircuitRelayServerInit {
  /** a hop request, including opening STOP to the target and its answer, in ms (default 30 s) */
  hopTimeout?: number
  /**
   * the STOP request to the target within a CONNECT, in ms (default two thirds of hopTimeout): a
   * target that does not answer in time gets the initiator a CONNECTION_FAILED answer, with the
   * rest of hopTimeout left to send it, instead of a reset at hopTimeout (not a js-libp2p option)
   */
  stopRequestTimeout?: number
  /** hop streams one connection may have open at once (default 32) */
  maxInboundHopStreams?: number
  /**
   * hop streams this node opens on one connection at once (default 64, the registrar's default):
   * the relay answers hop but a node that is also a relay client opens them, and this is the limit
   * its hop handler registers
   */
  maxOutboundHopStreams?: number
  /** stop streams the relay opens on one connection at once (default 64) */
  maxOutboundStopStreams?: number
  /** circuits spliced at once (default 64) */
  maxCircuits?: number
  /** circuits one peer is part of at once, as initiator or target (default 8) */
  maxCircuitsPerPeer?: number
  reservations?: RelayReservationsInit
}

export type { RelayReservation, CircuitRelayServiceEvents, ReadonlyReservations } from './reservations-view.js'

export interface CircuitRelayServer extends Startable, TypedEventTarget<CircuitRelayServiceEvents> {
  /** the live reservations by peer (js-libp2p's `reservations`, read-only) */
  readonly reservations: ReadonlyReservations
  /** reservations currently held */
  readonly reservationCount: number
  /** circuits currently spliced */
  readonly circuitCount: number
}

/**
 * The relay (hop side of circuit v2): grants reservations and splices circuits between a
 * connection initiator and a peer holding a reservation. Hop requests over limited (relayed)
 * connections are refused by the registrar: the handler does not opt in.
 */
export class CircuitRelayService extends TypedEventEmitter<CircuitRelayServiceEvents> implements CircuitRelayServer {
  readonly [Symbol.toStringTag] = '@libp2p/circuit-relay-v2-server'
  readonly #components: CircuitRelayServerComponents
  readonly #log: Logger
  readonly #reservations: ReservationStore
  readonly #view: ReservationsView
  readonly #metrics?: RelayServerMetrics
  readonly #circuitsPerPeer = new Map<string, number>()
  readonly #hopTimeoutMs: number
  readonly #stopRequestTimeoutMs: number
  readonly #maxInboundHopStreams: number
  readonly #maxOutboundHopStreams?: number
  readonly #maxOutboundStopStreams: number
  readonly #clearIntervalMs: number
  #clearTimer?: ReturnType<typeof setInterval>
  readonly #maxCircuits: number
  readonly #maxCircuitsPerPeer: number
  readonly #limit?: Limit
  readonly #ttlMs: number
  #circuits = 0
  #shutdown?: AbortController
  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    if (this.#reservations.delete(evt.detail)) {
      this.#log('dropped the reservation of %p: disconnected', evt.detail)
      this.#tag(evt.detail, undefined)
    }
  }

  constructor (components: CircuitRelayServerComponents, init: CircuitRelayServerInit = {}) {
    super()
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:circuit-relay:server')
    const r = init.reservations ?? {}
    this.#ttlMs = r.reservationTtl ?? DEFAULT_RESERVATION_TTL_MS
    this.#reservations = new ReservationStore({
      maxReservations: r.maxReservations ?? DEFAULT_MAX_RESERVATIONS,
      maxReservationsPerIp: r.maxReservationsPerIp ?? DEFAULT_MAX_RESERVATIONS_PER_IP,
      reservationTtlMs: this.#ttlMs
    })
    this.#metrics = components.metrics == null
      ? undefined
      : new RelayServerMetrics(components.metrics, { reservations: () => this.reservationCount, circuits: () => this.circuitCount })
    this.#hopTimeoutMs = init.hopTimeout ?? DEFAULT_HOP_TIMEOUT_MS
    this.#stopRequestTimeoutMs = init.stopRequestTimeout ?? Math.floor(this.#hopTimeoutMs * 2 / 3)
    this.#maxInboundHopStreams = init.maxInboundHopStreams ?? DEFAULT_MAX_INBOUND_HOP_STREAMS
    this.#maxOutboundHopStreams = init.maxOutboundHopStreams
    this.#maxOutboundStopStreams = init.maxOutboundStopStreams ?? DEFAULT_MAX_OUTBOUND_STOP_STREAMS
    this.#clearIntervalMs = Math.max(1, r.reservationClearInterval ?? DEFAULT_RESERVATION_CLEAR_INTERVAL_MS)
    this.#maxCircuits = init.maxCircuits ?? DEFAULT_MAX_CIRCUITS
    this.#maxCircuitsPerPeer = init.maxCircuitsPerPeer ?? DEFAULT_MAX_CIRCUITS_PER_PEER
    this.#view = new ReservationsView(this.#reservations, () => this.#limit)
    if (r.applyDefaultLimit !== false) {
      const durationMs = r.defaultDurationLimit ?? DEFAULT_DURATION_LIMIT_MS
      this.#limit = {
        duration: Math.max(1, Math.ceil(durationMs / 1000)),
        data: r.defaultDataLimit ?? DEFAULT_DATA_LIMIT_BYTES
      }
    }
  }

  /** the live reservations keyed by peer, read from the store on each access (nothing copied) */
  get reservations (): ReadonlyReservations {
    return this.#view
  }

  get reservationCount (): number {
    return this.#reservations.size
  }

  get circuitCount (): number {
    return this.#circuits
  }

  async start (): Promise<void> {
    if (this.#shutdown != null) { return }
    this.#shutdown = new AbortController()
    this.#components.events.addEventListener('peer:disconnect', this.#onDisconnect)
    this.#clearTimer = setInterval(() => { this.#clearExpired() }, this.#clearIntervalMs)
    await this.#components.registrar.handle(RELAY_V2_HOP_CODEC, async (stream, connection) => {
      await this.#onHop(stream, connection)
    }, {
      maxInboundStreams: this.#maxInboundHopStreams,
      // undefined: the registrar's default (64)
      maxOutboundStreams: this.#maxOutboundHopStreams,
      runOnLimitedConnection: false
    })
  }

  async stop (): Promise<void> {
    if (this.#shutdown == null) { return }
    this.#shutdown.abort(new AbortError('the relay stopped'))
    this.#shutdown = undefined
    clearInterval(this.#clearTimer)
    this.#clearTimer = undefined
    this.#components.events.removeEventListener('peer:disconnect', this.#onDisconnect)
    this.#reservations.clear()
    await this.#components.registrar.unhandle(RELAY_V2_HOP_CODEC)
  }

  #clearExpired (): void {
    for (const r of this.#reservations.sweep()) {
      this.#log('dropped the reservation of %p: expired', r.peer)
      this.#tag(r.peer, undefined)
    }
  }

  async #onHop (stream: Stream, connection: Connection): Promise<void> {
    const shutdown = this.#shutdown?.signal
    if (shutdown == null) { stream.abort(new AbortError('the relay stopped')); return }
    const deadline = withTimeout(this.#hopTimeoutMs, 'a hop request (hopTimeout)', shutdown)
    const bytes = new HandshakeStream(stream)
    const signal = deadline.signal
    let spliceWith: { stop: Stream, target: PeerId } | undefined
    try {
      let request: HopMessage
      try {
        request = await readMessage(bytes, hopCodec, { signal })
      } catch (err: any) {
        if (err.name === InvalidMessageError.name || err.name === MessageTooLargeError.name) {
          await this.#refuse(bytes, Status.MALFORMED_MESSAGE, signal).catch(() => {})
        }
        throw err
      }
      if (request.type === HopMessage.Type.RESERVE) {
        const result = await this.#reserve(bytes, connection, signal).catch((err: Error) => {
          this.#metrics?.reservationRequest('error')
          throw err
        })
        this.#metrics?.reservationRequest(result)
        await closeAndWait(bytes.unwrap(), { signal })
        return
      }
      if (request.type === HopMessage.Type.CONNECT) {
        // spliced below, once this request's deadline is cleared
        spliceWith = await this.#connect(bytes, request, connection, signal)
      } else {
        await this.#refuse(bytes, Status.UNEXPECTED_MESSAGE, signal)
        throw new RelayRefusedError(Status.UNEXPECTED_MESSAGE, `a hop ${request.type ?? ''} message is not a request`)
      }
    } catch (err: any) {
      const reason = signal.aborted ? signal.reason : err
      this.#log('hop request from %p failed - %e', connection.remotePeer, reason)
      stream.abort(reason)
    } finally {
      deadline.done()
    }
    if (spliceWith != null) {
      await this.#splice(bytes.unwrap(), spliceWith.stop, connection.remotePeer, spliceWith.target)
    }
  }

  async #answer (bytes: HandshakeStream, message: HopMessage, signal: AbortSignal): Promise<void> {
    await bytes.writePB(message, HopMessage, { signal })
  }

  /**
   * send a refusal, then close and wait (within the request's deadline) for the remote to close:
   * a reset would make the remote drop the answer if it has not read it yet
   */
  async #refuse (bytes: HandshakeStream, status: Status, signal: AbortSignal): Promise<void> {
    await this.#answer(bytes, { type: HopMessage.Type.STATUS, status }, signal)
    await closeAndWait(bytes.unwrap(), { signal })
  }

  /** answers a RESERVE; resolves with the result the metrics count it under */
  async #reserve (bytes: HandshakeStream, connection: Connection, signal: AbortSignal): Promise<string> {
    const { peerId, privateKey, addressManager } = this.#components
    const peer = connection.remotePeer
    // asked before the store so that a refused peer takes no slot, as js-libp2p's relay does
    if (await this.#components.connectionGater.denyInboundRelayReservation?.(peer) === true) {
      this.#log('refused a reservation for %p: the connection gater denied it', peer)
      await this.#answer(bytes, { type: HopMessage.Type.STATUS, status: Status.PERMISSION_DENIED }, signal)
      return 'denied'
    }
    const result = this.#reservations.reserve(peer, connection.remoteAddr, ipOf(connection.remoteAddr))
    if (!result.ok) {
      this.#log('refused a reservation for %p: %s reached', peer, result.reason)
      await this.#answer(bytes, { type: HopMessage.Type.STATUS, status: Status.RESERVATION_REFUSED }, signal)
      return result.reason
    }
    const expire = BigInt(Math.floor(result.reservation.expiresAt / 1000))
    const addrs = addressManager.getAddresses()
      .filter(a => !isCircuitAddress(a))
      .slice(0, MAX_RESERVATION_ADDRS)
      .map(a => a.bytes)
    let voucher: Uint8Array<ArrayBuffer>
    try {
      voucher = await sealVoucher(new ReservationVoucherRecord(peerId, peer, expire), privateKey, { signal })
    } catch (err) {
      this.#reservations.delete(peer)
      throw err
    }
    await this.#answer(bytes, {
      type: HopMessage.Type.STATUS,
      status: Status.OK,
      reservation: { expire, addrs, voucher },
      limit: this.#limit
    }, signal)
    this.#log('reserved a slot for %p until %s', peer, expire)
    this.safeDispatchEvent('relay:reservation', { detail: toRelayReservation(result.reservation, this.#limit) })
    // the connection manager prunes connections to tagged peers last, while the reservation lasts
    this.#tag(peer, { value: RESERVATION_TAG_VALUE, ttl: this.#ttlMs })
    return 'ok'
  }

  #tag (peer: PeerId, tag: { value: number, ttl: number } | undefined): void {
    this.#components.peerStore.merge(peer, { tags: { [RESERVATION_TAG]: tag } }).catch((err) => {
      this.#log('could not tag %p - %e', peer, err)
    })
  }

  /** the STOP stream to the target, answered OK, or a refusal sent to the initiator and thrown */
  async #connect (bytes: HandshakeStream, request: HopMessage, connection: Connection, signal: AbortSignal): Promise<{ stop: Stream, target: PeerId }> {
    const refuse = async (status: Status, why: string): Promise<never> => {
      this.#metrics?.connectRequest(status)
      await this.#refuse(bytes, status, signal)
      throw new RelayRefusedError(status, why)
    }
    let target: PeerId
    try {
      target = peerIdFromPeer(request.peer)
    } catch (err: any) {
      return refuse(Status.MALFORMED_MESSAGE, err.message)
    }
    const source = connection.remotePeer
    if (target.equals(source) || target.equals(this.#components.peerId)) {
      return refuse(Status.PERMISSION_DENIED, `${source} asked for a circuit to ${target}`)
    }
    if (this.#reservations.get(target) == null) {
      return refuse(Status.NO_RESERVATION, `${target} has no reservation`)
    }
    if (await this.#components.connectionGater.denyOutboundRelayedConnection?.(source, target) === true) {
      return refuse(Status.PERMISSION_DENIED, `the connection gater denied a circuit ${source.toString()} -> ${target.toString()}`)
    }
    if (this.#circuits >= this.#maxCircuits) {
      return refuse(Status.RESOURCE_LIMIT_EXCEEDED, new LimitExceededError('maxCircuits', this.#maxCircuits, 'too many circuits').message)
    }
    for (const p of [source, target]) {
      if ((this.#circuitsPerPeer.get(p.toString()) ?? 0) >= this.#maxCircuitsPerPeer) {
        return refuse(Status.RESOURCE_LIMIT_EXCEEDED, new LimitExceededError('maxCircuitsPerPeer', this.#maxCircuitsPerPeer, `too many circuits for ${p}`).message)
      }
    }
    const toTarget = this.#components.connectionManager.getConnections(target).find(c => c.status === 'open' && c.limits == null)
    if (toTarget == null) {
      this.#reservations.delete(target)
      return refuse(Status.NO_RESERVATION, `${target} holds a reservation but is not connected`)
    }
    // count the circuit from here, so concurrent CONNECTs cannot pass the limits while STOP is pending
    this.#addCircuit(source, target, 1)
    let stop: Stream
    try {
      stop = await this.#requestStop(toTarget, source, signal)
    } catch (err: any) {
      this.#addCircuit(source, target, -1)
      if (signal.aborted) { throw err }
      this.#log('could not open a circuit %p -> %p - %e', source, target, err)
      return refuse(Status.CONNECTION_FAILED, `could not reach ${target}: ${err.message}`)
    }
    try {
      await this.#answer(bytes, { type: HopMessage.Type.STATUS, status: Status.OK, limit: this.#limit }, signal)
    } catch (err: any) {
      this.#addCircuit(source, target, -1)
      stop.abort(err)
      throw err
    }
    this.#metrics?.connectRequest(Status.OK)
    return { stop, target }
  }

  /**
   * The STOP request to the target, answered OK, or thrown. It has a deadline of its own
   * (stopRequestTimeout, inside the hop request's), so the initiator hears CONNECTION_FAILED from us
   * rather than a reset when the target stays silent.
   */
  async #requestStop (toTarget: Connection, source: PeerId, hopSignal: AbortSignal): Promise<Stream> {
    const deadline = withTimeout(this.#stopRequestTimeoutMs, 'the STOP request to the target (stopRequestTimeout)', hopSignal)
    const signal = deadline.signal
    let stop: Stream | undefined
    try {
      stop = await toTarget.newStream(RELAY_V2_STOP_CODEC, { signal, maxOutboundStreams: this.#maxOutboundStopStreams })
      const stopBytes = new HandshakeStream(stop)
      await stopBytes.writePB({
        type: StopMessage.Type.CONNECT,
        peer: { id: source.toMultihash().bytes, addrs: [] },
        limit: this.#limit
      }, StopMessage, { signal })
      const answer = await readMessage(stopBytes, stopCodec, { signal })
      if (answer.type !== StopMessage.Type.STATUS || answer.status !== Status.OK) {
        throw new RelayRefusedError(answer.status, `${toTarget.remotePeer} answered the stop request with ${answer.type} ${answer.status ?? ''}`)
      }
      return stopBytes.unwrap()
    } catch (err: any) {
      const reason = signal.aborted && !hopSignal.aborted ? signal.reason : err
      stop?.abort(reason)
      throw reason
    } finally {
      deadline.done()
    }
  }

  async #splice (hop: Stream, stop: Stream, source: PeerId, target: PeerId): Promise<void> {
    this.#log('circuit %p -> %p open', source, target)
    try {
      await splice(hop, stop, {
        dataBytes: this.#limit?.data,
        durationMs: this.#limit?.duration != null ? this.#limit.duration * 1000 : undefined
      }, this.#log, this.#metrics?.relayed)
    } finally {
      this.#addCircuit(source, target, -1)
      this.#log('circuit %p -> %p closed', source, target)
    }
  }

  #addCircuit (source: PeerId, target: PeerId, delta: number): void {
    this.#circuits += delta
    for (const p of [source.toString(), target.toString()]) {
      const n = (this.#circuitsPerPeer.get(p) ?? 0) + delta
      if (n <= 0) { this.#circuitsPerPeer.delete(p) } else { this.#circuitsPerPeer.set(p, n) }
    }
  }
}

export function circuitRelayServer (init: CircuitRelayServerInit = {}): (components: CircuitRelayServerComponents) => CircuitRelayServer {
  checkServerInit(init)
  return (components) => new CircuitRelayService(components, init)
}
