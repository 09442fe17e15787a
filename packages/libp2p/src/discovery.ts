import type { ComponentLogger, Libp2pEvents, Logger, PeerDiscovery, PeerId, PeerInfo, PeerStore, TypedEventTarget } from '@libp2p/interface'

export interface DiscoveryComponents {
  peerId: PeerId
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/**
 * Where discovered peers go, as in js-libp2p: a discovery module's `peer` event adds the peer's
 * addresses to the peer store, and the node's `peer:discovery` event fires when the peer store
 * first learns of a peer, however it learnt of it (discovery, identify, a routing answer), so a
 * peer found by two modules is announced once.
 */
export class DiscoveredPeers {
  readonly #components: DiscoveryComponents
  readonly #log: Logger

  constructor (components: DiscoveryComponents) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:discovery')
    components.events.addEventListener('peer:update', ({ detail }) => {
      if (detail.previous != null) { return }
      const info: PeerInfo = { id: detail.peer.id, multiaddrs: detail.peer.addresses.map(a => a.multiaddr) }
      components.events.safeDispatchEvent('peer:discovery', { detail: info })
    })
  }

  /** listens to `discovery`'s `peer` events for the node's lifetime */
  add (discovery: PeerDiscovery, name: string): void {
    discovery.addEventListener('peer', ({ detail }) => { this.#onPeer(detail, name) })
  }

  #onPeer (peer: PeerInfo, source: string): void {
    if (peer.id.equals(this.#components.peerId)) {
      this.#log('%s discovered this node itself; ignored', source)
      return
    }
    this.#components.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
      .catch(err => { this.#log.error('could not store the addresses of %p from %s - %e', peer.id, source, err) })
  }
}
