import { MAX_TIMER_MS } from '@libp2p/utils'
import type { AbortOptions, Logger } from '@libp2p/interface'

/** the timer functions a periodic task uses: the platform's by default, a fake clock's in tests */
export interface TimerFunctions {
  setTimer?(fn: () => void, ms: number): unknown
  clearTimer?(handle: unknown): void
}

/**
 * Work that runs again and again while started: each run is scheduled when the previous one has
 * finished (runs never overlap), after the delay the run returns. stop() cancels the timer,
 * aborts a run in progress through its signal and waits for it to end.
 */
export class PeriodicTask {
  readonly #setTimer: (fn: () => void, ms: number) => unknown
  readonly #clearTimer: (handle: unknown) => void
  readonly #run: (options: Required<AbortOptions>) => Promise<number>
  readonly #log: Logger
  #timer?: unknown
  #stopping?: AbortController
  #running?: Promise<void>

  /** `run` resolves with the ms until the next run; a failed run is logged and retried after `retryDelay` */
  constructor (init: TimerFunctions & { run(options: Required<AbortOptions>): Promise<number>, retryDelay: number, log: Logger }) {
    // a delay past the platform's longest timer would fire at once, so it is clamped
    this.#setTimer = init.setTimer ?? ((fn, ms) => setTimeout(fn, Math.min(Math.max(ms, 0), MAX_TIMER_MS)))
    this.#clearTimer = init.clearTimer ?? ((handle) => { clearTimeout(handle as ReturnType<typeof setTimeout>) })
    this.#run = async (options) => init.run(options).catch((err) => {
      if (!options.signal.aborted) { init.log.error('periodic run failed - %e', err) }
      return init.retryDelay
    })
    this.#log = init.log
  }

  /** aborts when stop() is called; undefined while stopped */
  get signal (): AbortSignal | undefined {
    return this.#stopping?.signal
  }

  start (firstDelay: number): void {
    if (this.#stopping != null) { return }
    this.#stopping = new AbortController()
    this.#schedule(this.#stopping, firstDelay)
  }

  async stop (): Promise<void> {
    if (this.#stopping == null) { return }
    this.#stopping.abort()
    this.#stopping = undefined
    if (this.#timer != null) { this.#clearTimer(this.#timer) }
    this.#timer = undefined
    await this.#running
  }

  #schedule (stopping: AbortController, delay: number): void {
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined
      if (stopping.signal.aborted) { return }
      this.#running = this.#run({ signal: stopping.signal }).then((next) => {
        this.#running = undefined
        if (!stopping.signal.aborted) { this.#schedule(stopping, next) }
      })
    }, delay)
    this.#log.trace('next run in %d ms', delay)
  }
}
