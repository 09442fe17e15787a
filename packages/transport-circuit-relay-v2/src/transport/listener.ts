import { AbortError, InvalidMessageError, InvalidMultiaddrError, TypedEventEmitter, UnexpectedPeerError } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { withTimeout } from '@libp2p/utils'
import { CODE_P2P_CIRCUIT, multiaddr } from '@multiformats/multiaddr'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { RELAY_RECONNECT_INTERVAL_MS, RESERVATION_TAG, RESERVATION_TAG_VALUE } from '../constants.js'
import { HopMessage } from '../pb/circuit.js'
import { openVoucher } from '../voucher.js'
import { circuitAddress, parseCircuitAddress } from './addresses.js'
import { hopRequest } from './hop-request.js'
import type { RelayDiscovery, RelaySeeker } from './discovery.js'
import type {
  ComponentLogger, Connection, ConnectionManager, Listener, ListenerEvents, Logger, PeerId, PeerStore
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The connection manager as the relay client uses it. `runOnLimitedConnection: false` asks for an
 * unlimited connection: the relay is dialled on addresses whose connection is unlimited only,
 * never through another relay.
 */
export type RelayConnectionManager = Pick<ConnectionManager, 'openConnection'>

export interface CircuitListenerComponents {
  peerId: PeerId
  connectionManager: RelayConnectionManager
  peerStore: Pick<PeerStore, 'merge'>
  logger: ComponentLogger
}

export interface CircuitListenerInit {
  reservationTimeoutMs: number
  refreshMarginMs: number
  /** the transport's set of relays with a live reservation (keyed by peer id), for its stop handler */
  relays: Map<string, number>
  /** finds relays for a listener on `/p2p-circuit` alone */
  discovery: RelayDiscovery
}

/** `/p2p-circuit` alone: listen through a relay found among the peers */
export function isDiscoveryAddress (ma: Multiaddr): boolean {
  const parts = ma.getComponents()
  return parts.length === 1 && parts[0].code === CODE_P2P_CIRCUIT
}

/**
 * Listening on `<relay addr>/p2p/<relay>/p2p-circuit`: holds a reservation on that relay and
 * refreshes it before it expires. Each granted reservation is a `listening` event (the address
 * manager re-publishes). A lost relay connection is followed by one new reservation; if that
 * fails, or a refresh fails, the listener closes and withdraws its addresses.
 *
 * Listening on `/p2p-circuit` alone: the same with a relay that discovery gives it; when that
 * relay is lost the listener withdraws its addresses (a `listening` event) and asks for another
 * instead of closing.
 */
export class CircuitListener extends TypedEventEmitter<ListenerEvents> implements Listener, RelaySeeker {
  readonly #components: CircuitListenerComponents
  readonly #init: CircuitListenerInit
  readonly #log: Logger
  #relayAddr?: Multiaddr
  #relay?: PeerId
  #connection?: Connection
  #addrs: Multiaddr[] = []
  #timer?: ReturnType<typeof setTimeout>
  #closed = false
  #holdsRelay = false
  /** listening on /p2p-circuit alone: relays come from discovery and are replaced when lost */
  #discovering = false
  readonly #shutdown = new AbortController()
  /** when the connection to the relay last closed under a live reservation */
  #lostAt = -Infinity
  /**
   * The relay connection closed (the relay pruned it, a network blip): reserve again, once. A
   * second loss within RELAY_RECONNECT_INTERVAL_MS, or a reservation that fails, ends the listener.
   */
  readonly #onRelayClose = (): void => {
    if (this.#closed) { return }
    const relay = this.#relay?.toString() ?? ''
    this.#connection?.removeEventListener('close', this.#onRelayClose)
    this.#connection = undefined
    clearTimeout(this.#timer)
    const now = Date.now()
    if (now - this.#lostAt < RELAY_RECONNECT_INTERVAL_MS) {
      this.#lose(`the connection to relay ${relay} closed twice within ${RELAY_RECONNECT_INTERVAL_MS} ms`)
      return
    }
    this.#lostAt = now
    this.#log('the connection to relay %s closed; reserving again', relay)
    this.#reserve().catch((err) => {
      this.#lose(`the connection to relay ${relay} closed and a new reservation failed: ${err?.message ?? err}`)
    })
  }

  constructor (components: CircuitListenerComponents, init: CircuitListenerInit) {
    super()
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent('libp2p:circuit-relay:listener')
  }

  async listen (ma: Multiaddr): Promise<void> {
    if (isDiscoveryAddress(ma)) {
      // nothing to wait for: each reservation on a discovered relay is a listening event
      this.#discovering = true
      this.#init.discovery.want(this)
      return
    }
    const parsed = parseCircuitAddress(ma)
    if (parsed == null || parsed.targetId != null) {
      throw new InvalidMultiaddrError(`${ma.toString()} is neither <relay address>/p2p/<relay>/p2p-circuit nor /p2p-circuit`)
    }
    this.#relay = peerIdFromString(parsed.relayId)
    const bare = parsed.relay.getComponents().length === 1
    this.#relayAddr = bare ? undefined : parsed.relay
    await this.#reserve()
  }

  getAddrs (): Multiaddr[] {
    return [...this.#addrs]
  }

  async close (): Promise<void> {
    this.#end()
  }

  /** discovery offers `relay`: reserve on it (reached through its known addresses, directly) */
  async tryRelay (relay: PeerId): Promise<void> {
    if (this.#closed) { throw new AbortError('the listener is closed') }
    this.#relay = relay
    this.#relayAddr = undefined
    this.#lostAt = -Infinity
    try {
      await this.#reserve()
    } catch (err) {
      this.#relay = undefined
      throw this.#closed ? new AbortError('the listener is closed') : err
    }
    if (this.#closed) { throw new AbortError('the listener is closed') }
  }

  async #reserve (): Promise<void> {
    const relay = this.#relay as PeerId
    const { signal, done } = withTimeout(this.#init.reservationTimeoutMs, `a reservation on ${relay.toString()}`, this.#shutdown.signal)
    try {
      const connection = await this.#components.connectionManager.openConnection(this.#relayAddr ?? relay, { signal, runOnLimitedConnection: false })
      if (connection.limits != null) {
        throw new UnexpectedPeerError(`the connection to relay ${relay.toString()} is itself relayed`)
      }
      const { answer, stream } = await hopRequest(connection, { type: HopMessage.Type.RESERVE }, signal)
      const closing = withTimeout(this.#init.reservationTimeoutMs, `closing the reservation stream to ${relay.toString()}`)
      void stream.close({ signal: closing.signal }).catch(err => { stream.abort(err) }).finally(() => { closing.done() })
      const reservation = answer.reservation
      if (reservation?.expire == null) {
        throw new InvalidMessageError(`relay ${relay.toString()} granted a reservation without an expiry`)
      }
      if (reservation.voucher != null) {
        await this.#checkVoucher(reservation.voucher, relay)
      }
      if (this.#closed) { return }
      this.#watch(connection)
      this.#addrs = this.#advertised(reservation.addrs, connection, relay)
      const expiresAt = Number(reservation.expire) * 1000
      this.#schedule(expiresAt)
      this.#tag({ value: RESERVATION_TAG_VALUE, ttl: Math.max(1, expiresAt - Date.now()) })
      if (!this.#holdsRelay) {
        this.#holdsRelay = true
        const key = relay.toString()
        this.#init.relays.set(key, (this.#init.relays.get(key) ?? 0) + 1)
      }
      this.#log('reservation on %p until %s', relay, reservation.expire)
      this.safeDispatchEvent('listening')
    } finally {
      done()
    }
  }

  async #checkVoucher (bytes: Uint8Array, relay: PeerId): Promise<void> {
    const voucher = await openVoucher(bytes)
    if (!voucher.signer.equals(relay) || !uint8ArrayEquals(voucher.relay, relay.toMultihash().bytes) ||
      !uint8ArrayEquals(voucher.peer, this.#components.peerId.toMultihash().bytes)) {
      throw new InvalidMessageError(`relay ${relay.toString()} sent a voucher for another relay or peer`)
    }
  }

  /** the relay's addresses with /p2p-circuit/p2p/<self>; its connection's address when it sent none */
  #advertised (raw: Uint8Array[], connection: Connection, relay: PeerId): Multiaddr[] {
    const self = this.#components.peerId.toString()
    const out = new Map<string, Multiaddr>()
    for (const bytes of raw) {
      try {
        const addr = circuitAddress(multiaddr(bytes), relay.toString(), self)
        out.set(addr.toString(), addr)
      } catch (err) {
        this.#log('relay %p sent an address that does not parse - %e', relay, err)
      }
    }
    if (out.size === 0) {
      const addr = circuitAddress(connection.remoteAddr, relay.toString(), self)
      out.set(addr.toString(), addr)
    }
    return [...out.values()]
  }

  /** keep the relay's connection from being pruned while the reservation lasts */
  #tag (tag: { value: number, ttl: number } | undefined): void {
    const relay = this.#relay
    if (relay == null) { return }
    this.#components.peerStore.merge(relay, { tags: { [RESERVATION_TAG]: tag } }).catch((err) => {
      this.#log('could not tag relay %p - %e', relay, err)
    })
  }

  #watch (connection: Connection): void {
    if (this.#connection === connection) { return }
    this.#connection?.removeEventListener('close', this.#onRelayClose)
    this.#connection = connection
    connection.addEventListener('close', this.#onRelayClose)
  }

  /** refresh `refreshMarginMs` before the expiry, or at half the time left when that is sooner */
  #schedule (expiresAt: number): void {
    clearTimeout(this.#timer)
    const left = Math.max(0, expiresAt - Date.now())
    const delay = left > 2 * this.#init.refreshMarginMs ? left - this.#init.refreshMarginMs : left / 2
    this.#timer = setTimeout(() => {
      this.#reserve().catch(err => {
        this.#log.error('could not refresh the reservation on %p - %e', this.#relay, err)
        this.#lose('the reservation could not be refreshed')
      })
    }, delay)
  }

  /** the relay is lost: a discovering listener asks for another one, any other closes */
  #lose (why: string): void {
    if (!this.#discovering || this.#closed) {
      this.#end(why)
      return
    }
    this.#log('relay %p lost: %s; looking for another', this.#relay, why)
    this.#releaseRelay()
    this.#relay = undefined
    // the address manager re-publishes without the relayed addresses
    this.safeDispatchEvent('listening')
    this.#init.discovery.want(this)
  }

  #end (why?: string): void {
    if (this.#closed) { return }
    this.#closed = true
    if (why != null) { this.#log('listener on %p closed: %s', this.#relay, why) }
    this.#shutdown.abort()
    this.#init.discovery.forget(this)
    this.#releaseRelay()
    this.safeDispatchEvent('close')
  }

  /** stop refreshing, forget the relay connection and the addresses, and untag the relay once no listener holds it */
  #releaseRelay (): void {
    clearTimeout(this.#timer)
    this.#connection?.removeEventListener('close', this.#onRelayClose)
    this.#connection = undefined
    this.#addrs = []
    if (this.#holdsRelay && this.#relay != null) {
      const key = this.#relay.toString()
      const n = (this.#init.relays.get(key) ?? 1) - 1
      if (n <= 0) {
        this.#init.relays.delete(key)
        this.#tag(undefined)
      } else {
        this.#init.relays.set(key, n)
      }
      this.#holdsRelay = false
    }
  }
}
