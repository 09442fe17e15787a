import { NotStartedError } from '@libp2p/interface'
import { mergeIterables } from '@libp2p/utils'
import { NoContentRoutersError } from './errors.js'
import { routerMethods } from './routers.js'
import type { ContentRouting, PeerStore, Provider, RoutingOptions, Startable } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface ContentRoutingComponents {
  peerStore: PeerStore
}

/**
 * `libp2p.contentRouting`: every configured router (a `contentRouters` entry or a service exposing
 * `contentRoutingSymbol`) is asked at once. provide/put go to all routers and resolve when all
 * have; get resolves with the first router's value (AggregateError when none has one, as in
 * js-libp2p); findProviders merges the routers' answers, each provider once, and merges its
 * addresses into the peer store.
 */
export class CompoundContentRouting implements ContentRouting, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/content-routing'
  /** filled by createLibp2p after the services are built */
  readonly routers: Array<Partial<ContentRouting>> = []
  readonly #components: ContentRoutingComponents
  #started = false

  constructor (components: ContentRoutingComponents) {
    this.#components = components
  }

  isStarted (): boolean { return this.#started }
  start (): void { this.#started = true }
  stop (): void { this.#started = false }

  async * findProviders (cid: CID, options: RoutingOptions = {}): AsyncGenerator<Provider, void, undefined> {
    const queries = this.#methods('findProviders').map(find => find(cid, options))
    const seen = new Set<string>()
    for await (const provider of mergeIterables(...queries)) {
      if (provider.multiaddrs.length > 0) {
        await this.#components.peerStore.merge(provider.id, { multiaddrs: provider.multiaddrs }, options)
      }
      if (seen.has(provider.id.toString())) { continue }
      seen.add(provider.id.toString())
      yield provider
    }
  }

  async provide (cid: CID, options: RoutingOptions = {}): Promise<void> {
    await Promise.all(this.#methods('provide').map(async provide => { await provide(cid, options) }))
  }

  async cancelReprovide (cid: CID, options: RoutingOptions = {}): Promise<void> {
    await Promise.all(this.#methods('cancelReprovide').map(async cancel => { await cancel(cid, options) }))
  }

  async put (key: Uint8Array, value: Uint8Array, options: RoutingOptions = {}): Promise<void> {
    this.#checkStarted()
    await Promise.all(this.#methods('put').map(async put => { await put(key, value, options) }))
  }

  async get (key: Uint8Array, options: RoutingOptions = {}): Promise<Uint8Array> {
    this.#checkStarted()
    return Promise.any(this.#methods('get').map(async get => get(key, options)))
  }

  #checkStarted (): void {
    if (!this.#started) { throw new NotStartedError('contentRouting is not started') }
  }

  #methods<K extends keyof ContentRouting> (method: K): Array<ContentRouting[K]> {
    return routerMethods<ContentRouting, K>(this.routers, method, () => new NoContentRoutersError('no content routers are configured'))
  }
}
