import { withTimeout } from './deadline.js'

export interface AdaptiveTimeoutInit {
  /** ms: used until enough samples exist, and the lower bound after (default 2 s) */
  minTimeout?: number
  /** ms: the upper bound (default 120 s) */
  maxTimeout?: number
  /** the timeout is mean + deviations × standard deviation */
  deviations?: number
  /** weight of a new sample in the moving averages (0-1) */
  alpha?: number
  /** samples before the measured timeout replaces the initial one */
  warmupSamples?: number
}

export interface AdaptiveTimeoutSignal extends AbortSignal {
  /** when the operation started, for recording its duration */
  start: number
  /** ms this signal allows */
  timeout: number
  /** release the timer and the caller signal's listener (cleanUp() calls it) */
  clear(): void
}

/**
 * A timeout that follows how long an operation has recently taken: an exponentially weighted
 * mean and variance of successful durations, so a slow network does not cause spurious timeouts
 * and a fast one does not wait long for a dead peer.
 */
export class AdaptiveTimeout {
  readonly #min: number
  readonly #max: number
  readonly #deviations: number
  readonly #alpha: number
  readonly #warmup: number
  #mean = 0
  #variance = 0
  #samples = 0

  constructor (init: AdaptiveTimeoutInit = {}) {
    this.#min = init.minTimeout ?? 2_000
    this.#max = init.maxTimeout ?? 120_000
    this.#deviations = init.deviations ?? 4
    this.#alpha = init.alpha ?? 0.2
    this.#warmup = init.warmupSamples ?? 5
  }

  /** the timeout to use for the next operation, ms */
  get timeout (): number {
    if (this.#samples < this.#warmup) { return Math.max(this.#min, Math.min(this.#max, this.#min * 2)) }
    const t = this.#mean + this.#deviations * Math.sqrt(this.#variance)
    return Math.round(Math.max(this.#min, Math.min(this.#max, t)))
  }

  /** a signal that aborts after the current timeout, or when `signal` aborts; pass it to cleanUp() once finished */
  getTimeoutSignal (options: { signal?: AbortSignal } = {}): AdaptiveTimeoutSignal {
    const ms = this.timeout
    const deadline = withTimeout(ms, 'an operation with an adaptive timeout', options.signal)
    const signal = deadline.signal as AdaptiveTimeoutSignal
    signal.start = Date.now()
    signal.timeout = ms
    signal.clear = () => { deadline.done() }
    return signal
  }

  /** record the operation's outcome (only successes teach the timeout) and release the signal */
  cleanUp (signal: AdaptiveTimeoutSignal): void {
    signal.clear()
    if (signal.aborted) { return }
    this.record(Date.now() - signal.start)
  }

  record (durationMs: number): void {
    if (this.#samples === 0) {
      this.#mean = durationMs
      this.#variance = 0
    } else {
      const diff = durationMs - this.#mean
      this.#mean += this.#alpha * diff
      this.#variance = (1 - this.#alpha) * (this.#variance + this.#alpha * diff * diff)
    }
    this.#samples++
  }
}
