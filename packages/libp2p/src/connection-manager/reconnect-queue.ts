import { DEFAULT_MAX_RECONNECT_ATTEMPTS, DEFAULT_RECONNECT_BACKOFF_FACTOR, DEFAULT_RECONNECT_RETRY_INTERVAL_MS, KEEP_ALIVE_TAG } from '../constants.js'
import type { AbortOptions, ComponentLogger, Connection, Logger, PeerId, PeerStore } from '@libp2p/interface'

export interface ReconnectQueueComponents {
  peerStore: PeerStore
  logger: ComponentLogger
  dial(peerId: PeerId, options: AbortOptions): Promise<Connection>
}

/** the timers the queue waits with; tests pass a fake to step through the backoff without real time */
export interface ReconnectClock {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const realClock: ReconnectClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => { clearTimeout(handle as ReturnType<typeof setTimeout>) }
}

export interface ReconnectQueueInit {
  retries?: number
  retryInterval?: number
  backoffFactor?: number
  /** default: the platform's timers */
  clock?: ReconnectClock
}

/** Re-dials peers tagged keep-alive when their last connection closes, with exponential backoff */
export class ReconnectQueue {
  readonly #components: ReconnectQueueComponents
  readonly #retries: number
  readonly #retryIntervalMs: number
  readonly #backoffFactor: number
  readonly #log: Logger
  readonly #clock: ReconnectClock
  #controller = new AbortController()
  readonly #active = new Set<string>()

  constructor (components: ReconnectQueueComponents, init: ReconnectQueueInit) {
    this.#components = components
    this.#retries = init.retries ?? DEFAULT_MAX_RECONNECT_ATTEMPTS
    this.#retryIntervalMs = init.retryInterval ?? DEFAULT_RECONNECT_RETRY_INTERVAL_MS
    this.#backoffFactor = init.backoffFactor ?? DEFAULT_RECONNECT_BACKOFF_FACTOR
    this.#log = components.logger.forComponent('libp2p:reconnect')
    this.#clock = init.clock ?? realClock
  }

  stop (): void {
    this.#controller.abort()
    this.#controller = new AbortController()
    this.#active.clear()
  }

  async maybeReconnect (peerId: PeerId): Promise<void> {
    const key = peerId.toString()
    if (this.#active.has(key)) { return }
    const signal = this.#controller.signal
    // taken before the first await: two disconnects in one tick start one re-dial loop, not two
    this.#active.add(key)
    try {
      if (!await this.#keepAlive(peerId)) { return }
      // as js-libp2p: the first re-dial at once, then `retries` more, waiting retryInterval ×
      // backoffFactor^n before the n-th of them
      for (let attempt = 0; attempt <= this.#retries && !signal.aborted; attempt++) {
        if (attempt > 0) {
          await waitFor(this.#clock, this.#retryIntervalMs * this.#backoffFactor ** (attempt - 1), signal)
          // the tag may have been removed (or expired) while this peer was waiting
          if (!await this.#keepAlive(peerId)) {
            this.#log('%p is no longer tagged keep-alive: not re-dialled', peerId)
            return
          }
        }
        try {
          await this.#components.dial(peerId, { signal })
          this.#log('reconnected to %p', peerId)
          return
        } catch (err) {
          this.#log('reconnect %d to %p failed - %e', attempt + 1, peerId, err)
        }
      }
    } catch {
      // stopped
    } finally {
      this.#active.delete(key)
    }
  }

  /** the peer carries a live keep-alive tag */
  async #keepAlive (peerId: PeerId): Promise<boolean> {
    try {
      // most peers are not in the store: has() answers without building a NotFoundError
      if (!await this.#components.peerStore.has(peerId)) { return false }
      const peer = await this.#components.peerStore.get(peerId)
      return [...peer.tags.keys()].some(t => t.startsWith(KEEP_ALIVE_TAG))
    } catch {
      return false
    }
  }
}

/** a backoff timer that the node's stop() cancels */
async function waitFor (clock: ReconnectClock, ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clock.clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
