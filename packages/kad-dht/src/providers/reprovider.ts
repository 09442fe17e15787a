import { anySignal, followAbort, mapConcurrently } from '@libp2p/utils'
import { Key } from 'interface-datastore'
import { REPROVIDE_INTERVAL_MS } from '../constants.js'
import { kadId } from '../kad-id.js'
import { KeyedLock } from '../records/keyed-lock.js'
import { datastoreKeyPart } from '../records/keys.js'
import { PeriodicTask } from './periodic-task.js'
import { checkProviderKey } from './provider-key.js'
import { ProvidedKey } from './providers.js'
import type { TimerFunctions } from './periodic-task.js'
import type { AbortOptions, ComponentLogger, Logger, Startable } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/** provides running at once during a republish (js's reprovide concurrency) */
export const REPROVIDE_CONCURRENCY = 10
/** due keys read from the datastore, sorted and republished per pass */
export const REPROVIDE_BATCH_SIZE = 256
/** keys a pass may hold waiting for a provide slot */
export const REPROVIDE_MAX_QUEUE_SIZE = 1024
/** ms before a key whose republish failed is tried again */
export const REPROVIDE_RETRY_INTERVAL_MS = 5 * 60_000
/** ms after start() before the first run: the routing table fills first, and a restart's backlog waits for it */
export const REPROVIDE_START_DELAY_MS = 60_000

export interface ReproviderInit extends TimerFunctions {
  /** ms between republishes of one key (default 22 h) */
  interval?: number
  /** provides running at once (default 10) */
  concurrency?: number
  /** keys a pass may queue (default 1024); a pass takes min(batchSize, maxQueueSize) due keys */
  maxQueueSize?: number
  /** due keys per pass (default 256), sorted by their position in the keyspace */
  batchSize?: number
  /** ms before a failed republish is retried (default 5 min) */
  retryInterval?: number
  /** datastore keys start with this (default '/dht'); provided keys live under `<prefix>/provided/` */
  datastorePrefix?: string
  /** ms since the epoch (default Date.now) */
  now?(): number
  /** announces one key to the network (the DHT's provide) */
  provide(key: Uint8Array, options: AbortOptions): Promise<void>
}

export interface ReproviderComponents {
  datastore: Datastore
  logger: ComponentLogger
}

interface DueKey {
  dsKey: Key
  key: Uint8Array
}

/**
 * Republishes the provider records of the keys this node provides before they expire. Each
 * tracked key is a datastore entry (so a restart keeps republishing) under the base32hex of its
 * Kademlia id with the time it is next due. A run walks the entries in passes: a pass takes up
 * to min(batchSize, maxQueueSize) due keys, sorts them by Kademlia id (neighbouring keys share
 * closest peers, so their lookups hit warm connections; a LevelDB store already yields them in
 * that order) and provides them at most `concurrency` at once. A provided key is next due in
 * `interval`, a failed one in `retryInterval`; either way it is past the run's start, so each key
 * is tried once per run and the passes end.
 */
export class Reprovider implements Startable {
  readonly #datastore: Datastore
  readonly #log: Logger
  readonly #provide: (key: Uint8Array, options: AbortOptions) => Promise<void>
  readonly #interval: number
  readonly #concurrency: number
  readonly #passSize: number
  readonly #retryInterval: number
  readonly #prefix: string
  readonly #now: () => number
  readonly #runs: PeriodicTask
  readonly #lock = new KeyedLock()
  #running?: Promise<void>

  constructor (components: ReproviderComponents, init: ReproviderInit) {
    this.#datastore = components.datastore
    this.#log = components.logger.forComponent('libp2p:kad-dht:reprovider')
    this.#provide = init.provide
    this.#interval = init.interval ?? REPROVIDE_INTERVAL_MS
    this.#concurrency = init.concurrency ?? REPROVIDE_CONCURRENCY
    this.#passSize = Math.min(init.batchSize ?? REPROVIDE_BATCH_SIZE, init.maxQueueSize ?? REPROVIDE_MAX_QUEUE_SIZE)
    this.#retryInterval = init.retryInterval ?? REPROVIDE_RETRY_INTERVAL_MS
    this.#prefix = `${init.datastorePrefix ?? '/dht'}/provided`
    this.#now = init.now ?? Date.now
    this.#runs = new PeriodicTask({
      setTimer: init.setTimer,
      clearTimer: init.clearTimer,
      log: this.#log,
      retryDelay: this.#retryInterval,
      run: async (options) => {
        await this.reprovideNow(options)
        const due = await this.#nextDue(options)
        return due == null ? this.#interval : due - this.#now()
      }
    })
  }

  /** the first run is REPROVIDE_START_DELAY_MS after start, then each when the next key is due */
  start (): void {
    this.#runs.start(REPROVIDE_START_DELAY_MS)
  }

  async stop (): Promise<void> {
    await this.#runs.stop()
    await this.#running?.catch(() => {})
  }

  /** remember that this node provides `key` (just provided: next due in `interval`) */
  async track (key: Uint8Array, options?: AbortOptions): Promise<void> {
    checkProviderKey(key)
    const dsKey = this.#dsKey(key)
    await this.#lock.run(dsKey.toString(), async () => {
      await this.#datastore.put(dsKey, ProvidedKey.encode({ key: key as Uint8Array<ArrayBuffer>, due: BigInt(this.#now() + this.#interval) }), options)
    })
  }

  /** stop republishing `key` (the DHT's cancelReprovide) */
  async untrack (key: Uint8Array, options?: AbortOptions): Promise<void> {
    checkProviderKey(key)
    const dsKey = this.#dsKey(key)
    await this.#lock.run(dsKey.toString(), async () => { await this.#datastore.delete(dsKey, options) })
  }

  /** republish every key that is due now; a call during a run waits for that run (or its own signal) */
  async reprovideNow (options?: AbortOptions): Promise<void> {
    if (this.#running != null) {
      await untilDoneOrAborted(this.#running, options?.signal)
      return
    }
    const joined = anySignal(options?.signal, this.#runs.signal)
    this.#running = this.#run({ signal: joined.signal }).finally(() => {
      this.#running = undefined
      joined.done()
    })
    await this.#running
  }

  /** the run the class comment describes */
  async #run (options: AbortOptions): Promise<void> {
    const runStart = this.#now()
    while (true) {
      options.signal?.throwIfAborted()
      const { batch, more } = await this.#duePass(runStart, options)
      if (batch.length === 0) { return }
      batch.sort((a, b) => (a.dsKey.toString() < b.dsKey.toString() ? -1 : 1))
      const done = mapConcurrently(batch, async (item) => { await this.#republish(item, options) }, this.#concurrency)
      while ((await done.next()).done !== true) {
        // each step is one finished republish; the work is in #republish
      }
      if (!more) { return }
    }
  }

  /** up to passSize keys due at runStart, and whether more are due */
  async #duePass (runStart: number, options: AbortOptions): Promise<{ batch: DueKey[], more: boolean }> {
    const batch: DueKey[] = []
    for await (const { key: dsKey, value } of this.#datastore.query({ prefix: `${this.#prefix}/` }, options)) {
      let entry: ProvidedKey
      try {
        entry = ProvidedKey.decode(value)
      } catch (err: any) {
        this.#log.error('forgetting a provided key entry that does not decode - %e', err)
        await this.#datastore.delete(dsKey, options)
        continue
      }
      if (Number(entry.due) > runStart) { continue }
      if (batch.length === this.#passSize) { return { batch, more: true } }
      batch.push({ dsKey, key: entry.key })
    }
    return { batch, more: false }
  }

  async #republish (item: DueKey, options: AbortOptions): Promise<void> {
    let next: number
    try {
      await this.#provide(item.key, options)
      next = this.#now() + this.#interval
    } catch (err: any) {
      if (options.signal?.aborted === true) { throw err }
      this.#log.error('republishing a provider record failed, retrying in %d ms - %e', this.#retryInterval, err)
      next = this.#now() + this.#retryInterval
    }
    await this.#lock.run(item.dsKey.toString(), async () => {
      // untracked while it was being provided: stays forgotten
      if (!(await this.#datastore.has(item.dsKey, options))) { return }
      await this.#datastore.put(item.dsKey, ProvidedKey.encode({ key: item.key as Uint8Array<ArrayBuffer>, due: BigInt(next) }), options)
    })
  }

  /** the earliest due time of the tracked keys, or undefined when none is tracked */
  async #nextDue (options: AbortOptions): Promise<number | undefined> {
    let next: number | undefined
    for await (const { value } of this.#datastore.query({ prefix: `${this.#prefix}/` }, options)) {
      try {
        const due = Number(ProvidedKey.decode(value).due)
        next = next == null ? due : Math.min(next, due)
      } catch {
        // #duePass forgets an entry that does not decode
      }
    }
    return next
  }

  #dsKey (key: Uint8Array): Key {
    return new Key(`${this.#prefix}/${datastoreKeyPart(kadId(key))}`)
  }
}

/** waits for `promise`, or rejects with the signal's reason if it aborts first */
async function untilDoneOrAborted (promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal == null) { return promise }
  signal.throwIfAborted()
  let unfollow = (): void => {}
  try {
    await Promise.race([promise, new Promise<never>((resolve, reject) => { unfollow = followAbort(signal, reject) })])
  } finally {
    unfollow()
  }
}
