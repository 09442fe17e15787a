import { TimeoutError } from '@libp2p/interface'

export interface WatchdogInit {
  /** expire when `progress()` has not changed for this long (checked every idleTimeout, so it fires within 1-2x); 0 or Infinity disables */
  idleTimeout: number
  /** expire once this long has passed; 0 or Infinity disables */
  timeout?: number
  /** what is being watched, for the TimeoutError message */
  what: string
  /** a number that changes whenever the watched work makes progress (bytes moved) */
  progress(): number
  /** called once, with a TimeoutError, when a deadline passes */
  expire(err: TimeoutError): void
}

function enabled (ms: number | undefined): ms is number {
  return ms != null && ms > 0 && Number.isFinite(ms)
}

/**
 * Idle and total deadlines for a transfer without a timer or a signal per chunk: one interval
 * samples a progress counter, so the hot path only increments numbers it keeps anyway.
 */
export class Watchdog {
  readonly #init: WatchdogInit
  #idle?: ReturnType<typeof setInterval>
  #total?: ReturnType<typeof setTimeout>
  #last = 0
  #done = false

  constructor (init: WatchdogInit) {
    this.#init = init
    this.#last = init.progress()
    if (enabled(init.idleTimeout)) {
      const ms = init.idleTimeout
      this.#idle = setInterval(() => { this.#tick(ms) }, ms)
    }
    if (enabled(init.timeout)) {
      const ms = init.timeout
      this.#total = setTimeout(() => {
        this.#fire(new TimeoutError(`${init.what} did not finish within ${ms} ms (timeout)`))
      }, ms)
    }
  }

  stop (): void {
    this.#done = true
    clearInterval(this.#idle)
    clearTimeout(this.#total)
  }

  #tick (ms: number): void {
    const now = this.#init.progress()
    if (now === this.#last) {
      this.#fire(new TimeoutError(`${this.#init.what} moved no data for ${ms} ms (idleTimeout)`))
      return
    }
    this.#last = now
  }

  #fire (err: TimeoutError): void {
    if (this.#done) { return }
    this.stop()
    this.#init.expire(err)
  }
}
