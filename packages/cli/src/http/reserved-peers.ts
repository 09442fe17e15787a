import { RESERVATION_TAG } from '@libp2p/circuit-relay-v2'
import { STATUS_MAX_TRACKED_RESERVATIONS } from './constants.js'
import type { Libp2pEvents, PeerId, TypedEventTarget } from '@libp2p/interface'

export type ReservationEventSource = Pick<TypedEventTarget<Libp2pEvents>, 'addEventListener' | 'removeEventListener'>

export interface ReservedPeer {
  peerId: string
  /** when the status page first saw it tagged, in ms since the epoch */
  since: number
}

/**
 * Which peers hold a relay reservation, for the status page. The relay server shows only its
 * count, but it tags a peer in the peer store while the peer's reservation lasts (RESERVATION_TAG,
 * removed when the reservation expires or the peer disconnects), and every tag change is a
 * 'peer:update' event: this follows those events, so the status snapshot stays synchronous.
 * Bounded by STATUS_MAX_TRACKED_RESERVATIONS (the relay's own maxReservations is far below it).
 */
export class ReservedPeers {
  readonly #events: ReservationEventSource
  /** insertion order is the order they reserved in: the newest last */
  readonly #peers = new Map<string, ReservedPeer>()

  readonly #onUpdate = (evt: CustomEvent<Libp2pEvents['peer:update']['detail']>): void => {
    const key = evt.detail.peer.id.toString()
    if (!evt.detail.peer.tags.has(RESERVATION_TAG)) {
      this.#peers.delete(key)
      return
    }
    if (this.#peers.has(key)) { return }
    if (this.#peers.size >= STATUS_MAX_TRACKED_RESERVATIONS) {
      const oldest = this.#peers.keys().next().value
      if (oldest != null) { this.#peers.delete(oldest) }
    }
    this.#peers.set(key, { peerId: key, since: Date.now() })
  }

  // the relay drops a reservation on disconnect; the untagging that follows is asynchronous
  readonly #onDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.#peers.delete(evt.detail.toString())
  }

  constructor (events: ReservationEventSource) {
    this.#events = events
    events.addEventListener('peer:update', this.#onUpdate)
    events.addEventListener('peer:disconnect', this.#onDisconnect)
  }

  get size (): number {
    return this.#peers.size
  }

  has (peerId: string): boolean {
    return this.#peers.has(peerId)
  }

  /** at most `n`, the newest first */
  newest (n: number): ReservedPeer[] {
    return [...this.#peers.values()].slice(-n).reverse()
  }

  stop (): void {
    this.#events.removeEventListener('peer:update', this.#onUpdate)
    this.#events.removeEventListener('peer:disconnect', this.#onDisconnect)
  }
}
