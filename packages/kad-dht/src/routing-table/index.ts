import { AbortError, InvalidParametersError, TypedEventEmitter } from '@libp2p/interface'
import { anySignal, BoundedQueue, option, validateInit, withTimeout } from '@libp2p/utils'
import { K } from '../constants.js'
import { peerKadId } from '../kad-id.js'
import { Buckets, BUCKET_COUNT } from './buckets.js'
import {
  MAX_REFRESH_CPL, PENDING_ADDS_SLACK, PING_OLD_CONTACT_CONCURRENCY, PING_OLD_CONTACT_MAX_QUEUE_SIZE,
  PING_OLD_CONTACT_TIMEOUT_MS
} from './constants.js'
import { DiversityFilter } from './diversity.js'
import { ipGroupsOf } from './ip-group.js'
import { TablePersistence } from './persistence.js'
import type { TableEntry } from './buckets.js'
import type { AbortOptions, ComponentLogger, Logger, PeerId, PeerStore, Startable } from '@libp2p/interface'

export { randomKeyForCpl } from './random-key.js'

export interface RoutingTableInit {
  /** k: peers per bucket (default 20) */
  kBucketSize: number
  /** the DHT protocol, for tagging/persistence keys */
  protocol: string
  /**
   * go's diversity filter (meant for the WAN DHT): at most 2 peers per /16 IPv4 or /32 IPv6
   * prefix (go groups IPv6 by ASN; there is no ASN database here) per bucket and 3 per table.
   * Loopback and private addresses are exempt, as in go.
   */
  diversityFilter?: boolean
  /** ms the least recently seen peer of a full bucket has to answer a ping (default 10 000) */
  pingOldContactTimeout?: number
  /** pings of old contacts at once (default 10) */
  pingOldContactConcurrency?: number
  /** pings of old contacts waiting for a slot (default 100); past it newcomers to full buckets are dropped */
  pingOldContactMaxQueueSize?: number
  /** the clock, ms (default Date.now) */
  now?(): number
}

export interface RoutingTableComponents {
  peerId: PeerId
  peerStore: PeerStore
  logger: ComponentLogger
  /** resolves when the peer answers /ipfs/ping/1.0.0, rejects otherwise */
  ping(peer: PeerId, options: AbortOptions): Promise<unknown>
}

export interface RoutingTableEvents {
  'peer:add': CustomEvent<PeerId>
  'peer:remove': CustomEvent<PeerId>
}

const initSchema = {
  kBucketSize: option.integer(1, 1024),
  protocol: (value: unknown, path: string) => typeof value === 'string' && value !== '' ? undefined : `${path} must be a non-empty string`,
  diversityFilter: (value: unknown, path: string) => typeof value === 'boolean' ? undefined : `${path} must be a boolean`,
  pingOldContactTimeout: option.ms(1),
  pingOldContactConcurrency: option.integer(1),
  pingOldContactMaxQueueSize: option.integer(0),
  now: (value: unknown, path: string) => typeof value === 'function' ? undefined : `${path} must be a function`
}

/**
 * The Kademlia routing table: k-buckets by common prefix length with our id (see buckets.ts),
 * filled with peers that speak the DHT and answered us. A full bucket keeps its old peers as
 * long as they answer (the Kademlia paper's preference for long-lived contacts, which also makes
 * flooding the table with fresh ids useless): a newcomer gets in only when the least recently
 * seen peer fails a ping.
 */
export class KadRoutingTable extends TypedEventEmitter<RoutingTableEvents> implements Startable {
  readonly #components: RoutingTableComponents
  readonly #log: Logger
  readonly #k: number
  readonly #pingTimeout: number
  readonly #maxPendingAdds: number
  readonly #now: () => number
  readonly #buckets: Buckets
  readonly #diversity?: DiversityFilter
  readonly #persistence: TablePersistence
  readonly #pings: BoundedQueue
  /** adds in progress by peer, so concurrent offers of one peer share one outcome */
  readonly #pending = new Map<string, Promise<boolean>>()
  /** old contacts being pinged: a second newcomer contests the next one instead */
  readonly #contested = new Set<TableEntry>()
  /** when each bucket up to MAX_REFRESH_CPL was last looked up (absent: never) */
  readonly #refreshedAt = new Map<number, number>()
  #stopping = new AbortController()

  constructor (components: RoutingTableComponents, init: RoutingTableInit) {
    super()
    validateInit('KadRoutingTable', init, initSchema)
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:kad-dht:routing-table')
    this.#k = init.kBucketSize ?? K
    this.#pingTimeout = init.pingOldContactTimeout ?? PING_OLD_CONTACT_TIMEOUT_MS
    const concurrency = init.pingOldContactConcurrency ?? PING_OLD_CONTACT_CONCURRENCY
    const maxSize = init.pingOldContactMaxQueueSize ?? PING_OLD_CONTACT_MAX_QUEUE_SIZE
    this.#pings = new BoundedQueue({ concurrency, maxSize, limitName: 'pingOldContactMaxQueueSize' })
    this.#maxPendingAdds = concurrency + maxSize + PENDING_ADDS_SLACK
    this.#now = init.now ?? Date.now
    this.#buckets = new Buckets(peerKadId(components.peerId))
    this.#diversity = init.diversityFilter === true ? new DiversityFilter() : undefined
    this.#persistence = new TablePersistence(components.peerStore, init.protocol, this.#log)
  }

  get size (): number {
    return this.#buckets.size
  }

  /** the peer-store tag that marks this table's peers */
  get tagName (): string {
    return this.#persistence.tagName
  }

  /**
   * Restores the peers saved by an earlier run. They go in as least recently seen without being
   * pinged (a restart should not ping hundreds of peers at once): each is pinged when a
   * newcomer contests its bucket, and leaves if it no longer answers.
   */
  async start (): Promise<void> {
    if (this.#stopping.signal.aborted) { this.#stopping = new AbortController() }
    const saved = await this.#persistence.load({ signal: this.#stopping.signal })
    for (const peer of saved) {
      if (peer.id.equals(this.#components.peerId) || this.#buckets.get(peer.id.toString()) != null) { continue }
      const entry = this.#entry(peer.id, 0, this.#diversity == null ? [] : ipGroupsOf(peer.addresses.map(a => a.multiaddr)))
      if (this.#admissible(entry)) {
        this.#insert(entry)
      } else {
        // k shrank or the filter got stricter since it was saved
        await this.#persistence.untag(peer.id)
      }
    }
    this.#log('restored %d of %d saved peers', this.size, saved.length)
  }

  /** aborts pings in flight and waiting; the table's peers stay (and stay saved) */
  async stop (): Promise<void> {
    this.#stopping.abort(new AbortError('the routing table stopped'))
  }

  has (peer: PeerId): boolean {
    return this.#buckets.get(peer.toString()) != null
  }

  /**
   * Offer a peer that speaks the DHT protocol and answered us. Resolves true when it is (now) in
   * the table; false when its bucket is full of peers that answer, its IP group is full, or too
   * many contests are already waiting.
   *
   * @throws {AbortError} when options.signal aborts while the add waits to ping
   */
  async add (peer: PeerId, options: AbortOptions = {}): Promise<boolean> {
    if (peer.equals(this.#components.peerId)) { return false }
    const key = peer.toString()
    const existing = this.#buckets.get(key)
    if (existing != null) {
      this.#buckets.touch(existing, this.#now())
      return true
    }
    const pending = this.#pending.get(key)
    if (pending != null) { return pending }
    if (this.#pending.size >= this.#maxPendingAdds) {
      this.#log.trace('dropping %p: %d adds in progress', peer, this.#pending.size)
      return false
    }
    const admitted = this.#admit(peer, options).finally(() => { this.#pending.delete(key) })
    this.#pending.set(key, admitted)
    return admitted
  }

  async remove (peer: PeerId): Promise<void> {
    const entry = this.#buckets.get(peer.toString())
    if (entry != null) { await this.#evict(entry) }
  }

  /** up to `count` (default k) peers closest to `target` (a 32-byte kad id), closest first */
  closestPeers (target: Uint8Array, count: number = this.#k): PeerId[] {
    if (target.length !== 32) {
      throw new InvalidParametersError(`closestPeers: the target must be a 32-byte kad id, got ${target.length} bytes`)
    }
    return this.#buckets.closest(target, count).map(e => e.peer)
  }

  /**
   * The buckets a refresh should look up: every cpl from 0 to the deepest non-empty bucket
   * (capped at 15) not looked up for `maxAgeMs`, as go refreshes, so empty buckets below the
   * deepest get a chance to fill. A bucket never looked up is stale. An empty table has none.
   */
  staleBuckets (maxAgeMs: number): number[] {
    const deepest = Math.min(this.#buckets.deepest(), MAX_REFRESH_CPL)
    const now = this.#now()
    const stale: number[] = []
    for (let cpl = 0; cpl <= deepest; cpl++) {
      const at = this.#refreshedAt.get(cpl)
      if (at == null || now - at >= maxAgeMs) { stale.push(cpl) }
    }
    return stale
  }

  /** a lookup ran for a key in bucket `cpl`; past 15 there is nothing to track (see staleBuckets) */
  markRefreshed (cpl: number): void {
    if (!Number.isSafeInteger(cpl) || cpl < 0 || cpl > BUCKET_COUNT) {
      throw new InvalidParametersError(`markRefreshed: cpl must be a whole number from 0 to ${BUCKET_COUNT}, got ${cpl}`)
    }
    if (cpl <= MAX_REFRESH_CPL) { this.#refreshedAt.set(cpl, this.#now()) }
  }

  #entry (peer: PeerId, lastSeen: number, groups: string[]): TableEntry {
    const kadId = peerKadId(peer)
    return { peer, key: peer.toString(), kadId, cpl: this.#buckets.cplOf(kadId), lastSeen, groups }
  }

  /** room in its bucket and in its IP groups */
  #admissible (entry: TableEntry): boolean {
    return this.#buckets.bucket(entry.cpl).length < this.#k &&
      (this.#diversity?.allows(entry.cpl, entry.groups) ?? true)
  }

  #insert (entry: TableEntry): void {
    this.#buckets.insert(entry)
    this.#diversity?.add(entry.cpl, entry.groups)
    this.#log.trace('added %p to bucket %d', entry.peer, entry.cpl)
    this.safeDispatchEvent('peer:add', { detail: entry.peer })
  }

  async #evict (entry: TableEntry): Promise<void> {
    if (this.#drop(entry)) { await this.#persistence.untag(entry.peer) }
  }

  /** takes the peer out of the table at once; its tag is the caller's to remove */
  #drop (entry: TableEntry): boolean {
    if (!this.#buckets.delete(entry)) { return false }
    this.#diversity?.remove(entry.cpl, entry.groups)
    this.#log.trace('removed %p from bucket %d', entry.peer, entry.cpl)
    this.safeDispatchEvent('peer:remove', { detail: entry.peer })
    return true
  }

  async #groupsOf (peer: PeerId, options: AbortOptions): Promise<string[]> {
    if (this.#diversity == null) { return [] }
    try {
      const info = await this.#components.peerStore.getInfo(peer, options)
      return ipGroupsOf(info.multiaddrs)
    } catch {
      // an unknown peer has no addresses to count
      return []
    }
  }

  async #admit (peer: PeerId, options: AbortOptions): Promise<boolean> {
    const entry = this.#entry(peer, this.#now(), await this.#groupsOf(peer, options))
    if (this.#diversity != null && !this.#diversity.allows(entry.cpl, entry.groups)) {
      this.#log.trace('refusing %p: its IP group is full', peer)
      return false
    }
    let evicted: TableEntry | undefined
    if (!this.#admissible(entry)) {
      evicted = await this.#contest(entry, options)
      if (evicted == null) { return false }
      // the table may have changed while the ping ran
      if (this.has(peer) || !this.#admissible(entry)) {
        await this.#persistence.untag(evicted.peer)
        return this.has(peer)
      }
      entry.lastSeen = this.#now()
    }
    this.#insert(entry)
    await Promise.all([
      this.#persistence.tag(peer),
      evicted == null ? undefined : this.#persistence.untag(evicted.peer)
    ])
    return true
  }

  /**
   * Ping the least recently seen peer of the newcomer's full bucket (one no other newcomer is
   * contesting): that peer when it failed to answer and has been dropped (its tag is the caller's
   * to remove), undefined when it answered (it
   * becomes the most recently seen) or there was no verdict (every old peer is being contested,
   * the ping queue is full, the table stopped).
   *
   * @throws {AbortError} when options.signal aborted
   */
  async #contest (newcomer: TableEntry, options: AbortOptions): Promise<TableEntry | undefined> {
    const old = this.#buckets.bucket(newcomer.cpl).find(e => !this.#contested.has(e))
    if (old == null) { return undefined }
    this.#contested.add(old)
    const seen = old.lastSeen
    let verdict: 'alive' | 'dead' | 'none'
    try {
      verdict = await this.#pingOld(old, options)
    } finally {
      this.#contested.delete(old)
    }
    if (options.signal?.aborted === true) {
      throw new AbortError('the add was aborted while it contested a full bucket')
    }
    if (verdict === 'alive') {
      this.#buckets.touch(old, this.#now())
      return undefined
    }
    // one that answered someone else meanwhile (add() touched it) stays
    return verdict === 'dead' && old.lastSeen === seen && this.#drop(old) ? old : undefined
  }

  async #pingOld (old: TableEntry, options: AbortOptions): Promise<'alive' | 'dead' | 'none'> {
    const stopping = this.#stopping.signal
    const joined = anySignal(stopping, options.signal)
    const waiting = joined.signal
    try {
      return await this.#pings.add(async () => {
        const deadline = withTimeout(this.#pingTimeout, `ping of ${old.key}`, waiting)
        try {
          await this.#components.ping(old.peer, { signal: deadline.signal })
          return 'alive'
        } catch (err: any) {
          if (waiting.aborted) { return 'none' }
          this.#log('%p did not answer a ping - %e', old.peer, err)
          return 'dead'
        } finally {
          deadline.done()
        }
      }, { signal: waiting })
    } catch (err: any) {
      // the queue was full, or the wait for a slot was aborted
      this.#log.trace('not contesting %p - %e', old.peer, err)
      return 'none'
    } finally {
      joined.done()
    }
  }
}
