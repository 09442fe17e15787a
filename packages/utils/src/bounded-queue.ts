import { AbortError, LimitExceededError } from '@libp2p/interface'
import { followAbort } from './deadline.js'
import type { AbortOptions } from '@libp2p/interface'

export interface BoundedQueueInit {
  /** jobs running at once */
  concurrency: number
  /** jobs waiting to run; past this add() throws LimitExceededError */
  maxSize: number
  /** the option name reported when the queue is full, so the error says what to raise */
  limitName?: string
}

interface Job<T> {
  fn(options: AbortOptions): Promise<T>
  resolve(value: T): void
  reject(err: Error): void
  signal?: AbortSignal
  /** stops following the signal (the job left the wait list) */
  unfollow?(): void
}

/**
 * Runs async jobs with a concurrency limit and a bounded wait list. A job whose signal aborts
 * while waiting leaves the list at once; a running job gets the signal and must honour it.
 */
export class BoundedQueue {
  readonly #concurrency: number
  readonly #maxSize: number
  readonly #limitName: string
  readonly #waiting: Array<Job<any>> = []
  #running = 0

  constructor (init: BoundedQueueInit) {
    this.#concurrency = init.concurrency
    this.#maxSize = init.maxSize
    this.#limitName = init.limitName ?? 'maxSize'
  }

  /** jobs running now */
  get running (): number {
    return this.#running
  }

  /** jobs waiting for a slot */
  get size (): number {
    return this.#waiting.length
  }

  async add<T> (fn: (options: AbortOptions) => Promise<T>, options: AbortOptions = {}): Promise<T> {
    const signal = options.signal
    if (signal?.aborted === true) { throw new AbortError('the job was aborted before it was queued') }
    if (this.#running < this.#concurrency) {
      return this.#run({ fn, resolve: () => {}, reject: () => {}, signal })
    }
    if (this.#waiting.length >= this.#maxSize) {
      throw new LimitExceededError(this.#limitName, this.#maxSize, 'the queue is full')
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job<T> = { fn, resolve, reject, signal }
      if (signal != null) {
        // through followAbort: many jobs waiting on one long-lived signal share one listener
        job.unfollow = followAbort(signal, () => {
          const i = this.#waiting.indexOf(job)
          if (i !== -1) { this.#waiting.splice(i, 1) }
          reject(new AbortError('the job was aborted while it waited'))
        })
      }
      this.#waiting.push(job)
    })
  }

  async #run<T> (job: Job<T>): Promise<T> {
    this.#running++
    try {
      return await job.fn({ signal: job.signal })
    } finally {
      this.#running--
      this.#next()
    }
  }

  #next (): void {
    const job = this.#waiting.shift()
    if (job == null) { return }
    job.unfollow?.()
    this.#run(job).then(job.resolve, job.reject)
  }
}
