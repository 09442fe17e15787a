import { AbortError, NotFoundError } from '@libp2p/interface'
import { anySignal, mapConcurrently, mergeIterables } from '@libp2p/utils'
import { NoPeerRoutersError, QueriedForSelfError } from './errors.js'
import { routerMethods } from './routers.js'
import type { AbortOptions, ComponentLogger, Logger, PeerId, PeerInfo, PeerRouting, PeerStore, RoutingOptions } from '@libp2p/interface'

export interface PeerRoutingComponents {
  peerId: PeerId
  peerStore: PeerStore
  logger: ComponentLogger
}

/** the routers' answers for peers without addresses are looked up this many at a time */
const MAX_PARALLEL_ADDRESS_LOOKUPS = 5

/**
 * `libp2p.peerRouting`: asks every configured router (a `peerRouters` entry or a service exposing
 * `peerRoutingSymbol`) at once. Addresses found are merged into the peer store, so a later dial by
 * peer id finds them.
 */
export class CompoundPeerRouting implements PeerRouting {
  readonly [Symbol.toStringTag] = '@libp2p/peer-routing'
  readonly #components: PeerRoutingComponents
  /** filled by createLibp2p after the services are built */
  readonly routers: Array<Partial<PeerRouting>> = []
  readonly #log: Logger

  constructor (components: PeerRoutingComponents) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:peer-routing')
  }

  /** the first router's answer wins, and the other routers' queries are aborted */
  async findPeer (peerId: PeerId, options: RoutingOptions = {}): Promise<PeerInfo> {
    const finders = this.#methods('findPeer')
    if (peerId.equals(this.#components.peerId)) { throw new QueriedForSelfError('peerRouting.findPeer was asked for this node') }
    const done = new AbortController()
    const joined = anySignal(options.signal, done.signal)
    const signal = joined.signal
    try {
      const found = await Promise.any(finders.map(async finder => finder(peerId, { ...options, signal })))
      await this.#remember(found, options)
      return found
    } catch (err) {
      options.signal?.throwIfAborted()
      const errors = err instanceof AggregateError ? err.errors : [err]
      for (const e of errors) { this.#log('a router did not find %p - %e', peerId, e) }
      throw new NotFoundError(`no peer router found ${peerId.toString()}`, { cause: err })
    } finally {
      done.abort(new AbortError('another router answered'))
      joined.done()
    }
  }

  /**
   * Peers closest to `key` from every router, each once. A router's answer without addresses is
   * completed with findPeer (a few lookups at a time) and left out when that finds nothing.
   */
  async * getClosestPeers (key: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<PeerInfo, void, undefined> {
    const queries = this.#methods('getClosestPeers').map(query => query(key, options))
    const seen = new Set<string>()
    const unique = async function * (): AsyncGenerator<PeerInfo> {
      for await (const peer of mergeIterables(...queries)) {
        if (seen.has(peer.id.toString())) { continue }
        seen.add(peer.id.toString())
        yield peer
      }
    }
    const withAddresses = async (peer: PeerInfo): Promise<PeerInfo | undefined> => {
      if (peer.multiaddrs.length > 0) { return peer }
      try {
        return await this.findPeer(peer.id, { ...options, useCache: false })
      } catch (err) {
        this.#log('no addresses for closest peer %p - %e', peer.id, err)
        return undefined
      }
    }
    for await (const peer of mapConcurrently(unique(), withAddresses, MAX_PARALLEL_ADDRESS_LOOKUPS)) {
      if (peer == null) { continue }
      await this.#remember(peer, options)
      yield peer
    }
  }

  async #remember (peer: PeerInfo, options?: AbortOptions): Promise<void> {
    if (peer.multiaddrs.length === 0) { return }
    await this.#components.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs }, options)
  }

  #methods<K extends keyof PeerRouting> (method: K): Array<PeerRouting[K]> {
    return routerMethods<PeerRouting, K>(this.routers, method, () => new NoPeerRoutersError('no peer routers are configured'))
  }
}
