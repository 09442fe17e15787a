import { LimitExceededError } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import * as Digest from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { MAX_ADDRS_PER_PEER, PROVIDER_ADDRS_TTL_MS, PROVIDER_VALIDITY_MS } from '../constants.js'
import { KeyedLock } from '../records/keyed-lock.js'
import { datastoreKeyPart } from '../records/keys.js'
import { Lazy } from '../records/lazy.js'
import { PeriodicTask } from './periodic-task.js'
import { checkProviderKey } from './provider-key.js'
import { ProviderSet } from './providers.js'
import type { TimerFunctions } from './periodic-task.js'
import type { Provider } from './providers.js'
import type { AbortOptions, ComponentLogger, Logger, PeerInfo, PeerStore, Startable } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

/** providers kept per key (rust's MAX_PROVIDERS_PER_KEY) */
export const MAX_PROVIDERS_PER_KEY = 20
/**
 * keys with provider records (rust keeps 1024 in memory; this store is on disk, and a public
 * DHT server holds many more): 2^18 keys of at most 20 providers with at most
 * MAX_ADDRS_PER_PEER addresses each
 */
export const MAX_PROVIDER_KEYS = 262_144
/** ms between sweeps of expired provider records (go: 1 hour) */
export const PROVIDERS_CLEANUP_INTERVAL_MS = 60 * 60_000

export interface ProviderStoreInit extends TimerFunctions {
  /** providers kept per key (default 20); past it a new provider replaces the least recently refreshed one */
  maxProvidersPerKey?: number
  /** keys with provider records (default 262 144); a provider for a new key past it is a LimitExceededError */
  maxKeys?: number
  /** ms a provider record stays valid after its ADD_PROVIDER (default 48 h) */
  provideValidity?: number
  /** ms a provider's addresses are served after they arrived (default 30 min) */
  addrsTtl?: number
  /** ms between sweeps of expired records (default 1 h) */
  cleanupInterval?: number
  /** datastore keys start with this (default '/dht'); provider records live under `<prefix>/providers/` */
  datastorePrefix?: string
  /** ms since the epoch (default Date.now) */
  now?(): number
}

export interface ProviderStoreComponents {
  datastore: Datastore
  logger: ComponentLogger
  peerStore: PeerStore
}

/**
 * Who provides what: the provider records this node holds for others (ADD_PROVIDER) and serves
 * (GET_PROVIDERS). One datastore entry per key holds all of its providers, so the number of
 * entries is the number of keys and a restart keeps them. A provider's addresses are served
 * only while fresh (addrsTtl); after that the peer store's addresses for it, which its own
 * connections keep current, are served instead (as go does), or none, and the asker resolves
 * the peer. When a key has maxProvidersPerKey providers a new one replaces the least recently
 * refreshed: honest providers republish every 22 h, so the one that has not for longest is the
 * likeliest to be gone, and a flood of new providers cannot lock the key for 48 h.
 */
export class ProviderStore implements Startable {
  readonly #datastore: Datastore
  readonly #peerStore: PeerStore
  readonly #log: Logger
  readonly #maxProvidersPerKey: number
  readonly #maxKeys: number
  readonly #provideValidity: number
  readonly #addrsTtl: number
  readonly #cleanupInterval: number
  readonly #prefix: string
  readonly #now: () => number
  readonly #sweeps: PeriodicTask
  readonly #lock = new KeyedLock()
  /** entries in the datastore, counted once when first needed */
  readonly #keyCount = new Lazy(async (options) => {
    let n = 0
    const keys = this.#datastore.queryKeys({ prefix: `${this.#prefix}/` }, options)
    while ((await keys.next()).done !== true) { n++ }
    return { n }
  })

  constructor (components: ProviderStoreComponents, init: ProviderStoreInit = {}) {
    this.#datastore = components.datastore
    this.#peerStore = components.peerStore
    this.#log = components.logger.forComponent('libp2p:kad-dht:providers')
    this.#maxProvidersPerKey = init.maxProvidersPerKey ?? MAX_PROVIDERS_PER_KEY
    this.#maxKeys = init.maxKeys ?? MAX_PROVIDER_KEYS
    this.#provideValidity = init.provideValidity ?? PROVIDER_VALIDITY_MS
    this.#addrsTtl = init.addrsTtl ?? PROVIDER_ADDRS_TTL_MS
    this.#cleanupInterval = init.cleanupInterval ?? PROVIDERS_CLEANUP_INTERVAL_MS
    this.#prefix = `${init.datastorePrefix ?? '/dht'}/providers`
    this.#now = init.now ?? Date.now
    this.#sweeps = new PeriodicTask({
      setTimer: init.setTimer,
      clearTimer: init.clearTimer,
      log: this.#log,
      retryDelay: this.#cleanupInterval,
      run: async (options) => {
        await this.deleteExpired(options)
        return this.#cleanupInterval
      }
    })
  }

  /** keys with provider records stored, for the metrics */
  async keyCount (options?: AbortOptions): Promise<number> {
    return (await this.#keyCount.get(options)).n
  }

  /** sweeps expired records every cleanupInterval */
  start (): void {
    this.#sweeps.start(this.#cleanupInterval)
  }

  async stop (): Promise<void> {
    await this.#sweeps.stop()
  }

  /**
   * Records that `provider` provides `key` (or refreshes it: new addresses replace the old ones;
   * none keeps the old ones). InvalidParametersError for a key outside 1..80 bytes;
   * LimitExceededError when the key is new and maxKeys keys have providers.
   */
  async addProvider (key: Uint8Array, provider: PeerInfo, options?: AbortOptions): Promise<void> {
    checkProviderKey(key)
    const dsKey = this.#dsKey(key)
    await this.#lock.run(dsKey.toString(), async () => {
      const now = this.#now()
      const stored = await this.#readSet(dsKey, options)
      const providers = stored?.filter(p => this.#isLive(p, now)) ?? []
      const id = provider.id.toMultihash().bytes
      const addrs = provider.multiaddrs.slice(0, MAX_ADDRS_PER_PEER).map(ma => ma.bytes)
      let entry = providers.find(p => uint8ArrayEquals(p.id, id))
      if (entry == null) {
        if (providers.length >= this.#maxProvidersPerKey) {
          const oldest = providers.reduce((a, b) => (b.received < a.received ? b : a))
          providers.splice(providers.indexOf(oldest), 1)
        }
        entry = { id, received: 0n, addrs: [], addrsReceived: 0n }
        providers.push(entry)
      }
      entry.received = BigInt(now)
      if (addrs.length > 0) {
        entry.addrs = addrs
        entry.addrsReceived = BigInt(now)
      }
      if (stored == null) {
        const count = await this.#keyCount.get(options)
        if (count.n >= this.#maxKeys) { throw new LimitExceededError('maxKeys', this.#maxKeys, 'keys with provider records') }
        count.n++
      }
      await this.#datastore.put(dsKey, ProviderSet.encode({ providers }), options)
    })
  }

  /** the live providers of `key`, their addresses as the class comment says */
  async getProviders (key: Uint8Array, options?: AbortOptions): Promise<PeerInfo[]> {
    checkProviderKey(key)
    const now = this.#now()
    const stored = await this.#readSet(this.#dsKey(key), options)
    const out: PeerInfo[] = []
    for (const p of stored ?? []) {
      if (!this.#isLive(p, now)) { continue }
      let peer: PeerInfo
      try {
        const id = peerIdFromMultihash(Digest.decode(p.id))
        const fresh = p.addrs.length > 0 && now - Number(p.addrsReceived) <= this.#addrsTtl
        peer = { id, multiaddrs: fresh ? p.addrs.map(bytes => multiaddr(bytes)) : await this.#knownAddrs(id, options) }
      } catch (err: any) {
        if (err?.name === 'AbortError') { throw err }
        this.#log.error('skipping a stored provider that does not decode - %e', err)
        continue
      }
      out.push(peer)
    }
    return out
  }

  /**
   * Deletes expired provider records (run every cleanupInterval once started). The walk reads
   * one entry at a time, and each entry is rewritten under its key's lock, so an addProvider
   * running meanwhile is not lost.
   */
  async deleteExpired (options?: AbortOptions): Promise<void> {
    for await (const dsKey of this.#datastore.queryKeys({ prefix: `${this.#prefix}/` }, options)) {
      await this.#lock.run(dsKey.toString(), async () => {
        const now = this.#now()
        const stored = await this.#readSet(dsKey, options)
        if (stored == null) { return }
        const live = stored.filter(p => this.#isLive(p, now))
        if (live.length === stored.length) { return }
        if (live.length > 0) {
          await this.#datastore.put(dsKey, ProviderSet.encode({ providers: live }), options)
        } else {
          await this.#datastore.delete(dsKey, options)
          const count = await this.#keyCount.get(options)
          count.n--
        }
      })
    }
  }

  #isLive (p: Provider, now: number): boolean {
    return now - Number(p.received) <= this.#provideValidity
  }

  async #knownAddrs (id: PeerInfo['id'], options?: AbortOptions): Promise<Multiaddr[]> {
    try {
      return (await this.#peerStore.get(id, options)).addresses.map(a => a.multiaddr)
    } catch (err: any) {
      if (err?.name === 'NotFoundError') { return [] }
      throw err
    }
  }

  /** the stored providers (expired ones included), undefined when there is no entry; an entry that does not decode is deleted */
  async #readSet (dsKey: Key, options?: AbortOptions): Promise<Provider[] | undefined> {
    let bytes: Uint8Array
    try {
      bytes = await this.#datastore.get(dsKey, options)
    } catch (err: any) {
      if (err?.name === 'NotFoundError') { return undefined }
      throw err
    }
    try {
      return ProviderSet.decode(bytes).providers
    } catch (err: any) {
      this.#log.error('deleting a provider entry that does not decode - %e', err)
      await this.#datastore.delete(dsKey, options)
      const count = await this.#keyCount.get(options)
      count.n--
      return undefined
    }
  }

  #dsKey (key: Uint8Array): Key {
    return new Key(`${this.#prefix}/${datastoreKeyPart(key)}`)
  }
}
