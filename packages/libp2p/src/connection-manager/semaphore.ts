import { LimitExceededError } from '@libp2p/interface'
import { Waiters } from '@libp2p/utils'
import type { AbortOptions } from '@libp2p/interface'

/** A counting semaphore with a bounded wait queue, for dial slots */
export class Semaphore {
  readonly #max: number
  readonly #maxQueue: number
  readonly #waiters = new Waiters<void>()
  #active = 0

  constructor (max: number, maxQueue: number) {
    this.#max = max
    this.#maxQueue = maxQueue
  }

  get active (): number {
    return this.#active
  }

  get queued (): number {
    return this.#waiters.size
  }

  async acquire (options?: AbortOptions): Promise<() => void> {
    if (this.#active >= this.#max) {
      if (this.#waiters.size >= this.#maxQueue) {
        throw new LimitExceededError('maxDialQueueLength', this.#maxQueue, 'too many dials are waiting')
      }
      await this.#waiters.wait(options)
    } else {
      this.#active++
    }
    let released = false
    return () => {
      if (released) { return }
      released = true
      if (this.#waiters.size > 0) {
        this.#waiters.resolveFirst() // the slot passes straight to the next waiter
      } else {
        this.#active--
      }
    }
  }
}
