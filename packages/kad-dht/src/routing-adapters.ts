import { NotFoundError } from '@libp2p/interface'
import { drain } from './drain.js'
import { EventTypes } from './types.js'
import type { KadDHT } from './types.js'
import type { AbortOptions, ContentRouting, PeerId, PeerInfo, PeerRouting, Provider, RoutingOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * The DHT as the node's peerRouting / contentRouting see it (services expose these under
 * js-libp2p's symbols): the query events reduced to values, as js-libp2p's kad-dht does.
 */
export class DHTPeerRouting implements PeerRouting {
  readonly #dht: KadDHT

  constructor (dht: KadDHT) {
    this.#dht = dht
  }

  async findPeer (peerId: PeerId, options: RoutingOptions = {}): Promise<PeerInfo> {
    for await (const event of this.#dht.findPeer(peerId, options)) {
      if (event.type === EventTypes.FINAL_PEER) { return event.peer }
    }
    throw new NotFoundError(`the DHT did not find ${peerId.toString()}`)
  }

  async * getClosestPeers (key: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<PeerInfo, void, undefined> {
    for await (const event of this.#dht.getClosestPeers(key, options)) {
      if (event.type === EventTypes.FINAL_PEER) { yield event.peer }
    }
  }
}

export class DHTContentRouting implements ContentRouting {
  readonly #dht: KadDHT

  constructor (dht: KadDHT) {
    this.#dht = dht
  }

  async provide (cid: CID, options: RoutingOptions = {}): Promise<void> {
    await drain(this.#dht.provide(cid, options))
  }

  async cancelReprovide (cid: CID, options: AbortOptions = {}): Promise<void> {
    await this.#dht.cancelReprovide(cid, options)
  }

  async * findProviders (cid: CID, options: RoutingOptions = {}): AsyncGenerator<Provider, void, undefined> {
    for await (const event of this.#dht.findProviders(cid, options)) {
      if (event.type !== EventTypes.PROVIDER) { continue }
      for (const peer of event.providers) { yield { ...peer, routing: 'kad-dht' } }
    }
  }

  async put (key: Uint8Array, value: Uint8Array, options: RoutingOptions = {}): Promise<void> {
    await drain(this.#dht.put(key, value, options))
  }

  async get (key: Uint8Array, options: RoutingOptions = {}): Promise<Uint8Array> {
    for await (const event of this.#dht.get(key, options)) {
      if (event.type === EventTypes.VALUE) { return event.value }
    }
    throw new NotFoundError('the DHT has no value for the key')
  }
}
