import type { ReservationStore, RelayReservation as StoredReservation } from './reservation-store.js'
import type { Limit } from '../pb/circuit.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * A reservation as js-libp2p 3's relay shows it. js's also has `signal` (aborts when the
 * reservation ends); ours has none: it would need an AbortController per reservation.
 */
export interface RelayReservation {
  /** when the reservation expires */
  expiry: Date
  /** the client's remote address when it reserved */
  addr: Multiaddr
  /** the limits the relay applies to circuits to this peer, if any */
  limit?: Limit
}

export interface CircuitRelayServiceEvents {
  /** a reservation was made or refreshed */
  'relay:reservation': CustomEvent<RelayReservation>
  /** in js-libp2p's map so that its listeners type-check; never emitted (no content-routing advert here) */
  'relay:advert:success': CustomEvent<unknown>
  /** never emitted, as above */
  'relay:advert:error': CustomEvent<Error>
}

/** the read-only part of js-libp2p's PeerMap over the relay's live reservations */
export interface ReadonlyReservations extends Iterable<[PeerId, RelayReservation]> {
  readonly size: number
  get(peer: PeerId): RelayReservation | undefined
  has(peer: PeerId): boolean
  entries(): IterableIterator<[PeerId, RelayReservation]>
  keys(): IterableIterator<PeerId>
  values(): IterableIterator<RelayReservation>
  forEach(fn: (value: RelayReservation, key: PeerId, map: ReadonlyReservations) => void): void
}

export function toRelayReservation (r: StoredReservation, limit: Limit | undefined): RelayReservation {
  return { expiry: new Date(r.expiresAt), addr: r.addr, limit }
}

/**
 * Reads the store on each call, so it holds nothing per reservation; values are made on access
 * (the store keeps ms and one shared limit, not a Date and a Limit per reservation).
 */
export class ReservationsView implements ReadonlyReservations {
  readonly #store: ReservationStore
  readonly #limit: () => Limit | undefined

  constructor (store: ReservationStore, limit: () => Limit | undefined) {
    this.#store = store
    this.#limit = limit
  }

  /** counts only live reservations, so it agrees with iteration */
  get size (): number {
    let n = 0
    for (const _ of this.#store.values()) { n++ } // eslint-disable-line @typescript-eslint/no-unused-vars
    return n
  }

  get (peer: PeerId): RelayReservation | undefined {
    const r = this.#store.get(peer)
    return r == null ? undefined : toRelayReservation(r, this.#limit())
  }

  has (peer: PeerId): boolean {
    return this.#store.get(peer) != null
  }

  * entries (): IterableIterator<[PeerId, RelayReservation]> {
    const limit = this.#limit()
    for (const r of this.#store.values()) { yield [r.peer, toRelayReservation(r, limit)] }
  }

  * keys (): IterableIterator<PeerId> {
    for (const r of this.#store.values()) { yield r.peer }
  }

  * values (): IterableIterator<RelayReservation> {
    for (const [, v] of this.entries()) { yield v }
  }

  forEach (fn: (value: RelayReservation, key: PeerId, map: ReadonlyReservations) => void): void {
    for (const [k, v] of this.entries()) { fn(v, k, this) }
  }

  [Symbol.iterator] (): IterableIterator<[PeerId, RelayReservation]> {
    return this.entries()
  }
}
