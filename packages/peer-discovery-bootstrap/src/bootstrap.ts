import { TypedEventEmitter, peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import { DEFAULT_TAG_NAME, DEFAULT_TAG_TTL_MS, DEFAULT_TAG_VALUE, DEFAULT_TIMEOUT_MS } from './constants.js'
import { parseBootstrapList } from './list.js'
import type { ComponentLogger, ConnectionManager, Logger, PeerDiscovery, PeerDiscoveryEvents, PeerInfo, PeerStore, Startable } from '@libp2p/interface'

export interface BootstrapInit {
  /** the bootstrap peers: multiaddrs ending in `/p2p/<peer id>` */
  list: string[]
  /** milliseconds after start before the peers are tagged, announced and dialled (default 1000) */
  timeout?: number
  /** the peer store tag given to bootstrap peers (default 'bootstrap') */
  tagName?: string
  /** the tag's value (default 50) */
  tagValue?: number
  /** milliseconds until the tag expires (default 120000; `Infinity` keeps it) */
  tagTTL?: number
}

export interface BootstrapComponents {
  peerStore: PeerStore
  logger: ComponentLogger
  connectionManager: ConnectionManager
}

/**
 * Announces a fixed list of peers once, `timeout` ms after start: each is tagged in the peer store
 * with its addresses, emitted as a `peer` event and dialled, so a fresh node has someone to ask
 * (the DHT fills its routing table from the connections this opens).
 */
export class Bootstrap extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = '@libp2p/bootstrap'
  readonly [serviceCapabilities]: string[] = ['@libp2p/peer-discovery']

  readonly #components: BootstrapComponents
  readonly #log: Logger
  readonly #peers: PeerInfo[]
  readonly #timeout: number
  readonly #tagName: string
  readonly #tagValue: number
  readonly #tagTTL: number
  #timer?: ReturnType<typeof setTimeout>
  /** replaced at each start so announcements of an earlier run stop at `stop()` */
  #run?: AbortController

  constructor (components: BootstrapComponents, init: BootstrapInit) {
    super()
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:bootstrap')
    this.#peers = parseBootstrapList(init?.list)
    this.#timeout = init.timeout ?? DEFAULT_TIMEOUT_MS
    this.#tagName = init.tagName ?? DEFAULT_TAG_NAME
    this.#tagValue = init.tagValue ?? DEFAULT_TAG_VALUE
    this.#tagTTL = init.tagTTL ?? DEFAULT_TAG_TTL_MS
  }

  isStarted (): boolean {
    return this.#run != null
  }

  start (): void {
    if (this.#run != null) { return }
    const run = this.#run = new AbortController()
    this.#log('announcing %d bootstrap peers in %d ms', this.#peers.length, this.#timeout)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.#announce(run.signal).catch(err => { this.#log.error('could not announce the bootstrap peers - %e', err) })
    }, this.#timeout)
  }

  stop (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#run?.abort()
    this.#run = undefined
  }

  async #announce (signal: AbortSignal): Promise<void> {
    for (const peer of this.#peers) {
      // a TTL of Infinity means "never expires", which the peer store spells as no TTL
      const ttl = Number.isFinite(this.#tagTTL) ? this.#tagTTL : undefined
      await this.#components.peerStore.merge(peer.id, {
        multiaddrs: peer.multiaddrs,
        tags: { [this.#tagName]: { value: this.#tagValue, ttl } }
      })
      if (signal.aborted) { return }
      this.safeDispatchEvent('peer', { detail: peer })
      // no signal: the connection manager's dialTimeout bounds the dial, as in js-libp2p
      this.#components.connectionManager.openConnection(peer.id)
        .catch(err => { this.#log.error('could not dial bootstrap peer %p - %e', peer.id, err) })
    }
  }
}
