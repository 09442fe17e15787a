import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ReservationStoreInit {
  maxReservations: number
  maxReservationsPerIp: number
  reservationTtlMs: number
}

export interface RelayReservation {
  peer: PeerId
  /** the IP the reservation came from, when the connection has one */
  ip?: string
  /** the client's remote address when it reserved (a reference to the connection's, not a copy) */
  addr: Multiaddr
  /** ms since epoch */
  expiresAt: number
}

export type ReserveResult = { ok: true, reservation: RelayReservation } | { ok: false, reason: 'maxReservations' | 'maxReservationsPerIp' }

/**
 * The relay's reservations: at most one per peer (a new RESERVE refreshes it), at most
 * `maxReservations` in all and `maxReservationsPerIp` from one IP. Expired ones are dropped when
 * the store is full or looked up, and by `sweep()` (the relay calls it every
 * `reservationClearInterval`); the relay also drops a peer's on disconnect.
 */
export class ReservationStore {
  readonly #reservations = new Map<string, RelayReservation>()
  readonly #init: ReservationStoreInit

  constructor (init: ReservationStoreInit) {
    this.#init = init
  }

  get size (): number {
    return this.#reservations.size
  }

  reserve (peer: PeerId, addr: Multiaddr, ip: string | undefined, now = Date.now()): ReserveResult {
    const key = peer.toString()
    const existing = this.#reservations.get(key)
    if (existing == null) {
      if (this.#reservations.size >= this.#init.maxReservations) { this.sweep(now) }
      if (this.#reservations.size >= this.#init.maxReservations) { return { ok: false, reason: 'maxReservations' } }
      if (ip != null && this.#countIp(ip, now) >= this.#init.maxReservationsPerIp) { return { ok: false, reason: 'maxReservationsPerIp' } }
    }
    const reservation: RelayReservation = { peer, ip, addr, expiresAt: now + this.#init.reservationTtlMs }
    this.#reservations.set(key, reservation)
    return { ok: true, reservation }
  }

  /** the peer's reservation if it has one that has not expired */
  get (peer: PeerId, now = Date.now()): RelayReservation | undefined {
    const key = peer.toString()
    const reservation = this.#reservations.get(key)
    if (reservation != null && reservation.expiresAt <= now) {
      this.#reservations.delete(key)
      return undefined
    }
    return reservation
  }

  /** the live reservations (expired ones not yet swept are skipped) */
  * values (now = Date.now()): Generator<RelayReservation> {
    for (const r of this.#reservations.values()) {
      if (r.expiresAt > now) { yield r }
    }
  }

  delete (peer: PeerId): boolean {
    return this.#reservations.delete(peer.toString())
  }

  clear (): void {
    this.#reservations.clear()
  }

  #countIp (ip: string, now: number): number {
    let n = 0
    for (const r of this.#reservations.values()) {
      if (r.ip === ip && r.expiresAt > now) { n++ }
    }
    return n
  }

  /** drop the expired reservations and return them */
  sweep (now = Date.now()): RelayReservation[] {
    const dropped: RelayReservation[] = []
    for (const [key, r] of this.#reservations) {
      if (r.expiresAt <= now) {
        this.#reservations.delete(key)
        dropped.push(r)
      }
    }
    return dropped
  }
}
