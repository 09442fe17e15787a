import { InvalidMultiaddrError, UnexpectedPeerError, transportSymbol } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { HandshakeStream, closeAndWait, withTimeout } from '@libp2p/utils'
import {
  DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_INBOUND_STOP_STREAMS, DEFAULT_MAX_OUTBOUND_STOP_STREAMS, DEFAULT_MAX_RESERVATION_QUEUE_LENGTH, DEFAULT_RESERVATION_CONCURRENCY,
  DEFAULT_RESERVATION_TIMEOUT_MS, DEFAULT_STOP_TIMEOUT_MS, RELAY_V2_STOP_CODEC, RESERVATION_REFRESH_MARGIN_MS
} from '../constants.js'
import { RelayRefusedError } from '../errors.js'
import { checkTransportInit } from '../init-schema.js'
import { limitsFromMessage, peerIdFromPeer, readMessage, stopCodec } from '../messages.js'
import { HopMessage, Status, StopMessage } from '../pb/circuit.js'
import { circuitAddress, parseCircuitAddress } from './addresses.js'
import { RelayDiscovery } from './discovery.js'
import { hopRequest } from './hop-request.js'
import { CircuitListener, isDiscoveryAddress } from './listener.js'
import { RelayedConnection } from './relayed-connection.js'
import type { RelayConnectionManager } from './listener.js'
import type {
  ComponentLogger, Connection, ConnectionGater, CreateListenerOptions, DialProfile, DialTransportOptions, Libp2pEvents, Listener, Logger, PeerId, PeerStore,
  Registrar, Startable, Stream, Transport, TypedEventTarget, Upgrader
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * A circuit's connection carries the relay's limits, and its dial opens the connection to the
 * relay (tier 0 in the dial queue's terms) through the connection manager
 */
const CIRCUIT_DIAL: DialProfile = { limited: true, tier: 1 }

export interface CircuitRelayTransportComponents {
  peerId: PeerId
  registrar: Registrar
  connectionManager: RelayConnectionManager
  peerStore: Pick<PeerStore, 'merge' | 'all'>
  upgrader: Upgrader
  /** asked about each relayed connection a relay announces (denyInboundRelayedConnection) */
  connectionGater: Pick<ConnectionGater, 'denyInboundRelayedConnection'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface CircuitRelayTransportInit {
  /** a RESERVE request to a relay, in ms (default 10 s) */
  reservationCompletionTimeout?: number
  /**
   * Listening on `/p2p-circuit` alone finds relays among the peers that support the hop protocol
   * (from identify, and the peer store when listening starts), one relay per such address: this
   * many reservations are attempted at once (default 1)
   */
  reservationConcurrency?: number
  /** candidate relays remembered for `/p2p-circuit` listeners; past it the oldest is forgotten (default 100) */
  maxReservationQueueLength?: number
  /** refresh a reservation this long before it expires, in ms (default 60 s; at half its life if sooner) */
  reservationRefreshMargin?: number
  /** a CONNECT through a relay until its answer, in ms (default 30 s) */
  connectTimeout?: number
  /** reading and answering a relay's STOP request, in ms (default 10 s) */
  stopTimeout?: number
  /** stop streams one relay connection may have open at once (default 32) */
  maxInboundStopStreams?: number
  /**
   * stop streams this node opens on one connection at once, the limit its stop handler registers
   * (default 64). Only a node that is also a relay opens them, and its relay server passes its own
   * `maxOutboundStopStreams`; give both the same value.
   */
  maxOutboundStopStreams?: number
}

/**
 * The client side of circuit v2: dials `…/p2p/<relay>/p2p-circuit/p2p/<target>` (hop CONNECT,
 * then the circuit is upgraded like any raw connection, with the relay's limits), listens on
 * `…/p2p/<relay>/p2p-circuit` by holding a reservation, and accepts the relay's STOP requests
 * from relays it holds a reservation on.
 */
export class CircuitRelayTransport implements Transport, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/circuit-relay-v2-transport'
  readonly [transportSymbol] = true
  readonly #components: CircuitRelayTransportComponents
  readonly #log: Logger
  readonly #reservationTimeoutMs: number
  readonly #refreshMarginMs: number
  readonly #connectTimeoutMs: number
  readonly #stopTimeoutMs: number
  readonly #maxInboundStopStreams: number
  readonly #maxOutboundStopStreams: number
  /** relays this node holds a reservation on (peer id → listeners), bounded by the listen addresses */
  readonly #relays = new Map<string, number>()
  readonly #discovery: RelayDiscovery
  #started = false

  constructor (components: CircuitRelayTransportComponents, init: CircuitRelayTransportInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:circuit-relay:transport')
    this.#reservationTimeoutMs = init.reservationCompletionTimeout ?? DEFAULT_RESERVATION_TIMEOUT_MS
    this.#refreshMarginMs = init.reservationRefreshMargin ?? RESERVATION_REFRESH_MARGIN_MS
    this.#connectTimeoutMs = init.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS
    this.#stopTimeoutMs = init.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS
    this.#maxInboundStopStreams = init.maxInboundStopStreams ?? DEFAULT_MAX_INBOUND_STOP_STREAMS
    this.#maxOutboundStopStreams = init.maxOutboundStopStreams ?? DEFAULT_MAX_OUTBOUND_STOP_STREAMS
    this.#discovery = new RelayDiscovery(components, {
      reservationConcurrency: Math.max(1, init.reservationConcurrency ?? DEFAULT_RESERVATION_CONCURRENCY),
      maxReservationQueueLength: Math.max(1, init.maxReservationQueueLength ?? DEFAULT_MAX_RESERVATION_QUEUE_LENGTH),
      relays: this.#relays
    })
  }

  async start (): Promise<void> {
    if (this.#started) { return }
    this.#started = true
    this.#discovery.start()
    await this.#components.registrar.handle(RELAY_V2_STOP_CODEC, async (stream, connection) => {
      await this.#onStop(stream, connection)
    }, {
      maxInboundStreams: this.#maxInboundStopStreams,
      maxOutboundStreams: this.#maxOutboundStopStreams,
      runOnLimitedConnection: false
    })
  }

  async stop (): Promise<void> {
    if (!this.#started) { return }
    this.#started = false
    this.#discovery.stop()
    await this.#components.registrar.unhandle(RELAY_V2_STOP_CODEC)
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => {
      if (isDiscoveryAddress(ma)) { return true }
      const circuit = parseCircuitAddress(ma)
      return circuit != null && circuit.targetId == null
    })
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => parseCircuitAddress(ma)?.targetId != null)
  }

  dialProfile (_multiaddr: Multiaddr): DialProfile {
    return CIRCUIT_DIAL
  }

  createListener (_options: CreateListenerOptions): Listener {
    return new CircuitListener(this.#components, {
      reservationTimeoutMs: this.#reservationTimeoutMs,
      refreshMarginMs: this.#refreshMarginMs,
      relays: this.#relays,
      discovery: this.#discovery
    })
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const parsed = parseCircuitAddress(ma)
    if (parsed?.targetId == null) {
      throw new InvalidMultiaddrError(`${ma.toString()} is not <relay address>/p2p/<relay>/p2p-circuit/p2p/<target>`)
    }
    const relay = peerIdFromString(parsed.relayId)
    const target = peerIdFromString(parsed.targetId)
    if (options.remotePeer != null && !options.remotePeer.equals(target)) {
      throw new UnexpectedPeerError(`${ma.toString()} leads to ${target.toString()}, not ${options.remotePeer.toString()}`)
    }
    const { signal, done } = withTimeout(this.#connectTimeoutMs, `a circuit through ${relay.toString()}`, options.signal)
    try {
      const relayTarget = parsed.relay.getComponents().length === 1 ? relay : parsed.relay
      // the relay leg: an unlimited connection, from a lower tier's slots than this dial holds
      const toRelay = await this.#components.connectionManager.openConnection(relayTarget, {
        signal, runOnLimitedConnection: false, withinDialTier: CIRCUIT_DIAL.tier
      })
      if (toRelay.limits != null) {
        throw new UnexpectedPeerError(`the connection to relay ${relay.toString()} is itself relayed`)
      }
      const { answer, stream } = await hopRequest(toRelay, {
        type: HopMessage.Type.CONNECT,
        peer: { id: target.toMultihash().bytes, addrs: [] }
      }, signal)
      const remoteAddr = circuitAddress(toRelay.remoteAddr, relay.toString(), target.toString())
      this.#log('circuit to %p through %p, limits %o', target, relay, answer.limit)
      const circuit = new RelayedConnection(stream, remoteAddr)
      try {
        return await options.upgrader.upgradeOutbound(circuit, { signal, remotePeer: target, limits: limitsFromMessage(answer.limit) })
      } catch (err: any) {
        // an upgrader need not end what it failed to upgrade (libp2p's does): the circuit ends here either way
        circuit.abort(err)
        throw err
      }
    } finally {
      done()
    }
  }

  async #onStop (stream: Stream, connection: Connection): Promise<void> {
    const relay = connection.remotePeer
    const { signal, done } = withTimeout(this.#stopTimeoutMs, `a stop request from ${relay.toString()}`)
    const bytes = new HandshakeStream(stream)
    let initiator: PeerId
    let request: StopMessage
    try {
      try {
        request = await readMessage(bytes, stopCodec, { signal })
        if (request.type !== StopMessage.Type.CONNECT) {
          await this.#answer(bytes, Status.UNEXPECTED_MESSAGE, signal)
          throw new RelayRefusedError(Status.UNEXPECTED_MESSAGE, `a stop ${request.type ?? ''} message is not a request`)
        }
        initiator = peerIdFromPeer(request.peer)
      } catch (err: any) {
        if (err.name === 'InvalidMessageError' || err.name === 'MessageTooLargeError') {
          await this.#answer(bytes, Status.MALFORMED_MESSAGE, signal).catch(() => {})
        }
        throw err
      }
      if (!this.#relays.has(relay.toString())) {
        await this.#answer(bytes, Status.PERMISSION_DENIED, signal)
        throw new RelayRefusedError(Status.PERMISSION_DENIED, `${relay.toString()} is not a relay this node holds a reservation on`)
      }
      if (await this.#components.connectionGater.denyInboundRelayedConnection?.(relay, initiator) === true) {
        await this.#answer(bytes, Status.PERMISSION_DENIED, signal)
        throw new RelayRefusedError(Status.PERMISSION_DENIED, `the connection gater denied a circuit from ${initiator.toString()} through ${relay.toString()}`)
      }
      await this.#answer(bytes, Status.OK, signal)
    } catch (err: any) {
      const reason = signal.aborted ? signal.reason : err
      this.#log('stop request from %p failed - %e', relay, reason)
      stream.abort(reason)
      return
    } finally {
      done()
    }
    const remoteAddr = circuitAddress(connection.remoteAddr, relay.toString(), initiator.toString())
    const circuit = new RelayedConnection(bytes.unwrap(), remoteAddr)
    try {
      const relayed = await this.#components.upgrader.upgradeInbound(circuit, { limits: limitsFromMessage(request.limit) })
      if (!relayed.remotePeer.equals(initiator)) {
        relayed.abort(new UnexpectedPeerError(`the relay announced ${initiator.toString()} but ${relayed.remotePeer.toString()} connected`))
      }
    } catch (err: any) {
      this.#log('inbound circuit from %p through %p failed - %e', initiator, relay, err)
      circuit.abort(err)
    }
  }

  async #answer (bytes: HandshakeStream, status: Status, signal: AbortSignal): Promise<void> {
    await bytes.writePB({ type: StopMessage.Type.STATUS, status }, StopMessage, { signal })
    if (status !== Status.OK) {
      // closed, not reset, within the request's deadline: a reset would make the relay drop the answer
      await closeAndWait(bytes.unwrap(), { signal })
    }
  }
}

export function circuitRelayTransport (init: CircuitRelayTransportInit = {}): (components: CircuitRelayTransportComponents) => Transport {
  checkTransportInit(init)
  return (components) => new CircuitRelayTransport(components, init)
}
