import { AbortError } from '@libp2p/interface'
import { anySignal } from '@libp2p/utils'
import { randomKeyForCpl } from './routing-table/index.js'
import type { KadRoutingTable } from './routing-table/index.js'
import type { AbortOptions, Logger, Startable } from '@libp2p/interface'

export interface RefreshInit {
  /** ms between refreshes (default 10 min, the spec's bootstrap period) */
  interval: number
  /** ms after the table first has a peer before the first refresh */
  initialDelay: number
  /** this node's kad id */
  self: Uint8Array
  /** this node's id bytes, for the self-lookup */
  selfKey: Uint8Array
  /** a lookup of `key` run to its end (getClosestPeers drained) */
  lookup(key: Uint8Array, options: AbortOptions): Promise<void>
  log: Logger
  /** told after each refresh (tests wait on it instead of sleeping) */
  onRefresh?(): void
}

/**
 * Keeps the table filled (spec, "Bootstrap process"): once the table has a peer, and then every
 * interval, a lookup of this node's own id (to know its neighbourhood) and of a random key in
 * each bucket not looked up for an interval. js-libp2p's periodic refresh did not run for a while
 * (fixed in its kad-dht 16.3.4); the test of this one waits for it to run.
 */
export class RoutingTableRefresh implements Startable {
  readonly #table: KadRoutingTable
  readonly #init: RefreshInit
  #timer?: ReturnType<typeof setTimeout>
  #running?: AbortController
  #started = false
  readonly #onFirstPeer = (): void => { this.#schedule(this.#init.initialDelay) }

  constructor (table: KadRoutingTable, init: RefreshInit) {
    this.#table = table
    this.#init = init
  }

  start (): void {
    this.#started = true
    if (this.#table.size > 0) {
      this.#schedule(this.#init.initialDelay)
    } else {
      this.#table.addEventListener('peer:add', this.#onFirstPeer, { once: true })
    }
  }

  stop (): void {
    this.#started = false
    this.#table.removeEventListener('peer:add', this.#onFirstPeer)
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#running?.abort(new AbortError('the DHT stopped'))
  }

  /** a refresh now: self-lookup, then the stale buckets' random keys, one at a time */
  async refresh (options: AbortOptions = {}): Promise<void> {
    const controller = new AbortController()
    this.#running = controller
    const joined = anySignal(options.signal, controller.signal)
    const signal = joined.signal
    try {
      await this.#init.lookup(this.#init.selfKey, { signal })
      for (const cpl of this.#table.staleBuckets(this.#init.interval)) {
        signal.throwIfAborted()
        await this.#init.lookup(randomKeyForCpl(this.#init.self, cpl), { signal })
        this.#table.markRefreshed(cpl)
      }
      this.#init.onRefresh?.()
    } finally {
      joined.done()
      if (this.#running === controller) { this.#running = undefined }
    }
  }

  #schedule (delay: number): void {
    if (!this.#started) { return }
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.refresh()
        .catch(err => { this.#init.log('routing table refresh failed - %e', err) })
        .finally(() => { this.#schedule(this.#init.interval) })
    }, delay)
  }
}
