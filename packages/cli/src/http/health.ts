import { randomBytes } from 'node:crypto'
import { withTimeout } from '@libp2p/utils'
import { Key } from 'interface-datastore'
import { HEALTH_CACHE_MS, HEALTH_PROBE_BYTES, HEALTH_PROBE_KEY, HEALTH_TIMEOUT_MS } from './constants.js'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import type { Libp2pStatus } from 'libp2p'

/** what /health looks at */
export interface HealthNode {
  status: Libp2pStatus
  getMultiaddrs(): Multiaddr[]
}

export interface HealthReport {
  healthy: boolean
  /** why not, when not healthy */
  reason?: string
  listening: boolean
  addresses: number
  datastore: { writable: boolean, ms?: number, error?: string }
  /** when the checks ran, in ms since the epoch */
  checked: number
}

/**
 * `/health`: healthy when the node is started with at least one address and the datastore took a
 * real write and delete. One probe runs at a time and its result is reused for HEALTH_CACHE_MS,
 * so a monitor polling often (or many at once) does not turn into a write per request; a probe
 * that hangs (a stuck disk) reports unhealthy after HEALTH_TIMEOUT_MS, and later checks join it
 * instead of piling more writes behind it.
 */
export class HealthCheck {
  readonly #node: HealthNode
  readonly #datastore: Pick<Datastore, 'put' | 'delete'>
  readonly #key = new Key(HEALTH_PROBE_KEY)
  #probe?: Promise<void>
  #last?: HealthReport

  constructor (node: HealthNode, datastore: Pick<Datastore, 'put' | 'delete'>) {
    this.#node = node
    this.#datastore = datastore
  }

  async check (): Promise<HealthReport> {
    const now = Date.now()
    if (this.#last != null && now - this.#last.checked < HEALTH_CACHE_MS) { return this.#last }
    const addresses = this.#node.getMultiaddrs().length
    const listening = this.#node.status === 'started' && addresses > 0
    const datastore = await this.#datastoreCheck()
    let reason: string | undefined
    if (!listening) {
      reason = this.#node.status !== 'started' ? `the node is ${this.#node.status}` : 'the node has no listen address'
    } else if (!datastore.writable) {
      reason = `the datastore is not writable: ${datastore.error ?? 'unknown error'}`
    }
    const report: HealthReport = { healthy: reason == null, reason, listening, addresses, datastore, checked: now }
    this.#last = report
    return report
  }

  async #datastoreCheck (): Promise<HealthReport['datastore']> {
    const started = Date.now()
    const probe = this.#probe ?? this.#write().finally(() => { this.#probe = undefined })
    this.#probe = probe
    const deadline = withTimeout(HEALTH_TIMEOUT_MS, 'the /health datastore write')
    try {
      await new Promise<void>((resolve, reject) => {
        deadline.signal.addEventListener('abort', () => { reject(deadline.signal.reason) }, { once: true })
        probe.then(() => { resolve() }, reject)
      })
      return { writable: true, ms: Date.now() - started }
    } catch (err: any) {
      return { writable: false, error: `${String(err?.name ?? 'Error')}: ${String(err?.message ?? err)}` }
    } finally {
      deadline.done()
    }
  }

  async #write (): Promise<void> {
    await this.#datastore.put(this.#key, randomBytes(HEALTH_PROBE_BYTES))
    await this.#datastore.delete(this.#key)
  }
}
