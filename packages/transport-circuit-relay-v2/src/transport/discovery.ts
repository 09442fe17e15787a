import { RELAY_V2_HOP_CODEC } from '../constants.js'
import type { ComponentLogger, IdentifyResult, Libp2pEvents, Logger, PeerId, PeerStore, TypedEventTarget } from '@libp2p/interface'

export interface RelayDiscoveryComponents {
  peerId: PeerId
  peerStore: Pick<PeerStore, 'all'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface RelayDiscoveryInit {
  /** reservations attempted at once on discovered relays */
  reservationConcurrency: number
  /** candidate relays remembered (the oldest is forgotten past it) */
  maxReservationQueueLength: number
  /** relays with a live reservation (the transport's map): never offered to a second listener */
  relays: Map<string, number>
}

/** a listener on `/p2p-circuit` alone, waiting to be given a relay */
export interface RelaySeeker {
  /** reserve on `relay`; rejects when it cannot (the relay is then dropped from the candidates) */
  tryRelay(relay: PeerId): Promise<void>
}

/**
 * Finds relays for listeners on `/p2p-circuit` alone: peers that support the hop protocol, learned
 * from identify and, when the first such listener starts, from the peer store. Each waiting
 * listener is given one candidate at a time (at most `reservationConcurrency` attempts at once);
 * a candidate that fails is dropped, and a listener whose relay went away asks again. Candidates
 * are bounded by `maxReservationQueueLength`.
 */
export class RelayDiscovery {
  readonly #components: RelayDiscoveryComponents
  readonly #init: RelayDiscoveryInit
  readonly #log: Logger
  /** hop peers not being tried, oldest first */
  readonly #candidates = new Map<string, PeerId>()
  /** listeners waiting for a relay, first come first served */
  #seekers: RelaySeeker[] = []
  /** relays being tried now */
  readonly #trying = new Set<string>()
  /** a listener on /p2p-circuit exists: identify results are worth collecting */
  #active = false
  #started = false

  readonly #onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    if (evt.detail.protocols.includes(RELAY_V2_HOP_CODEC)) {
      this.#add(evt.detail.peerId)
    }
  }

  constructor (components: RelayDiscoveryComponents, init: RelayDiscoveryInit) {
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent('libp2p:circuit-relay:discovery')
  }

  start (): void {
    this.#started = true
  }

  stop (): void {
    this.#started = false
    this.#active = false
    this.#components.events.removeEventListener('peer:identify', this.#onIdentify)
    this.#candidates.clear()
    this.#seekers = []
  }

  /** how many candidate relays are remembered (for tests and metrics) */
  get candidates (): number {
    return this.#candidates.size
  }

  /** `seeker` needs a relay: it is given one when a candidate is (or becomes) free */
  want (seeker: RelaySeeker): void {
    if (!this.#started) { return }
    if (!this.#seekers.includes(seeker)) { this.#seekers.push(seeker) }
    if (!this.#active) {
      this.#active = true
      this.#components.events.addEventListener('peer:identify', this.#onIdentify)
      void this.#scanPeerStore()
    }
    this.#pump()
  }

  /** `seeker` closed: it wants nothing more */
  forget (seeker: RelaySeeker): void {
    this.#seekers = this.#seekers.filter(s => s !== seeker)
  }

  async #scanPeerStore (): Promise<void> {
    try {
      const peers = await this.#components.peerStore.all({ filters: [(peer) => peer.protocols.includes(RELAY_V2_HOP_CODEC)] })
      this.#log('%d relays in the peer store', peers.length)
      for (const peer of peers.slice(0, this.#init.maxReservationQueueLength)) { this.#add(peer.id) }
    } catch (err) {
      this.#log.error('could not read relays from the peer store - %e', err)
    }
  }

  #add (peerId: PeerId): void {
    const key = peerId.toString()
    if (!this.#started || peerId.equals(this.#components.peerId) || this.#trying.has(key) || this.#candidates.has(key)) { return }
    if (this.#candidates.size >= this.#init.maxReservationQueueLength) {
      const oldest = this.#candidates.keys().next().value
      if (oldest != null) { this.#candidates.delete(oldest) }
    }
    this.#candidates.set(key, peerId)
    this.#log('candidate relay %p', peerId)
    this.#pump()
  }

  /** a free candidate: not being tried, and not already held by a listener */
  #nextCandidate (): PeerId | undefined {
    for (const [key, peerId] of this.#candidates) {
      if (!this.#init.relays.has(key)) {
        this.#candidates.delete(key)
        return peerId
      }
    }
    return undefined
  }

  #pump (): void {
    while (this.#started && this.#trying.size < this.#init.reservationConcurrency && this.#seekers.length > 0) {
      const relay = this.#nextCandidate()
      if (relay == null) { return }
      const seeker = this.#seekers.shift() as RelaySeeker
      const key = relay.toString()
      this.#trying.add(key)
      seeker.tryRelay(relay).then(() => {
        this.#log('reserved on discovered relay %p', relay)
      }, (err) => {
        this.#log('discovered relay %p did not work - %e', relay, err)
        // first in line again, unless it closed meanwhile (its close() calls forget())
        if (this.#started && (err?.name !== 'AbortError')) { this.#seekers.unshift(seeker) }
      }).finally(() => {
        this.#trying.delete(key)
        this.#pump()
      })
    }
  }
}
