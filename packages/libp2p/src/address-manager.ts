import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_MAX_OBSERVED_ADDRESSES, DEFAULT_OBSERVED_ADDRESS_CONFIRMATIONS } from './constants.js'
import type { AddressManager as AddressManagerInterface, Libp2pEvents, PeerId, PeerStore, TransportManager, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface AddressManagerInit {
  /** addresses to listen on */
  listen?: string[]
  /** if set, announced instead of the listen addresses */
  announce?: string[]
  /** never announced */
  noAnnounce?: string[]
  /** peers that must report an observed address before it is announced */
  observedAddressConfirmations?: number
  maxObservedAddresses?: number
}

export interface AddressManagerComponents {
  peerId: PeerId
  transportManager: Pick<TransportManager, 'getAddrs' | 'getListeners'>
  peerStore: Pick<PeerStore, 'patch'>
  events: TypedEventTarget<Libp2pEvents>
}

/**
 * The node's own addresses. Observed addresses (what peers see through identify) are announced
 * only once enough distinct peers report the same one, so one lying peer cannot make us announce
 * an address; the map of candidates is bounded.
 */
export class AddressManager implements AddressManagerInterface {
  readonly #components: AddressManagerComponents
  readonly #listen: Multiaddr[]
  readonly #announce: Multiaddr[]
  readonly #noAnnounce: Set<string>
  readonly #observed = new Map<string, { addr: Multiaddr, reporters: Set<string> }>()
  readonly #confirmations: number
  readonly #maxObserved: number
  /** what was last published, to tell when a change needs a self:peer:update */
  #published = ''
  #publishing: Promise<void> = Promise.resolve()

  constructor (components: AddressManagerComponents, init: AddressManagerInit = {}) {
    this.#components = components
    this.#listen = (init.listen ?? []).map(a => multiaddr(a))
    this.#announce = (init.announce ?? []).map(a => multiaddr(a))
    this.#noAnnounce = new Set((init.noAnnounce ?? []).map(a => multiaddr(a).toString()))
    this.#confirmations = init.observedAddressConfirmations ?? DEFAULT_OBSERVED_ADDRESS_CONFIRMATIONS
    this.#maxObserved = init.maxObservedAddresses ?? DEFAULT_MAX_OBSERVED_ADDRESSES
    const onChange = (): void => { void this.publish() }
    components.events.addEventListener('transport:listening', onChange)
    components.events.addEventListener('transport:close', onChange)
  }

  /**
   * Store our current addresses in our own peer store record and tell the node (identify-push
   * listens) when they changed. Calls are serialised so events go out in order.
   */
  async publish (): Promise<void> {
    this.#publishing = this.#publishing.then(async () => {
      const addrs = this.getAddresses()
      const key = addrs.map(String).join(',')
      if (key === this.#published) { return }
      this.#published = key
      const peer = await this.#components.peerStore.patch(this.#components.peerId, { multiaddrs: addrs })
      this.#components.events.safeDispatchEvent('self:peer:update', { detail: { peer } })
    }).catch(() => {})
    await this.#publishing
  }

  getListenAddrs (): Multiaddr[] {
    return [...this.#listen]
  }

  getAnnounceAddrs (): Multiaddr[] {
    return [...this.#announce]
  }

  getObservedAddrs (): Multiaddr[] {
    return [...this.#observed.values()].filter(o => o.reporters.size >= this.#confirmations).map(o => o.addr)
  }

  addObservedAddr (addr: Multiaddr, reporter?: PeerId): void {
    const key = addr.toString()
    let entry = this.#observed.get(key)
    if (entry == null) {
      if (this.#observed.size >= this.#maxObserved) {
        // forget the least confirmed candidate to stay bounded
        let weakest: string | undefined
        for (const [k, v] of this.#observed) {
          if (weakest == null || v.reporters.size < (this.#observed.get(weakest)?.reporters.size ?? 0)) { weakest = k }
        }
        if (weakest != null) { this.#observed.delete(weakest) }
      }
      entry = { addr, reporters: new Set() }
      this.#observed.set(key, entry)
    }
    if (entry.reporters.size < this.#confirmations * 4) {
      const before = entry.reporters.size
      entry.reporters.add(reporter?.toString() ?? `anonymous-${entry.reporters.size}`)
      if (before < this.#confirmations && entry.reporters.size >= this.#confirmations) {
        void this.publish() // newly confirmed: announce it
      }
    }
  }

  /**
   * The announce addresses, each listener given the chance to complete them (a WebRTC-Direct
   * listener adds the certhash, which changes when its certificate is renewed)
   */
  #completedAnnounceAddrs (): Multiaddr[] {
    const addrs = [...this.#announce]
    for (const listener of this.#components.transportManager.getListeners()) {
      listener.updateAnnounceAddrs?.(addrs)
    }
    return addrs
  }

  getAddresses (): Multiaddr[] {
    const base = this.#announce.length > 0
      ? this.#completedAnnounceAddrs()
      : [...this.#components.transportManager.getAddrs(), ...this.getObservedAddrs()]
    const self = this.#components.peerId.toString()
    const seen = new Set<string>()
    const out: Multiaddr[] = []
    for (const addr of base) {
      const bare = addr.getComponents().some(c => c.name === 'p2p') ? addr.decapsulateCode(421) : addr
      const key = bare.toString()
      if (this.#noAnnounce.has(key) || seen.has(key)) { continue }
      seen.add(key)
      out.push(bare.encapsulate(`/p2p/${self}`))
    }
    return out
  }
}
