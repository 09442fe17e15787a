import { AbortError } from '@libp2p/interface'
import type { AbortOptions } from '@libp2p/interface'

interface Waiter<T> {
  resolve(value: T): void
  reject(err: Error): void
}

/**
 * A FIFO of pending promises. An aborted wait leaves the queue, so a value that arrives later
 * goes to the next waiter (or stays where it was) instead of being lost to a dead promise.
 */
export class Waiters<T> {
  readonly #queue: Array<Waiter<T>> = []

  get size (): number {
    return this.#queue.length
  }

  async wait (options?: AbortOptions): Promise<T> {
    const signal = options?.signal
    if (signal?.aborted === true) {
      throw signal.reason instanceof Error ? signal.reason : new AbortError()
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject }
      if (signal != null) {
        const onAbort = (): void => {
          const i = this.#queue.indexOf(waiter)
          if (i !== -1) { this.#queue.splice(i, 1) }
          reject(signal.reason instanceof Error ? signal.reason : new AbortError())
        }
        signal.addEventListener('abort', onAbort, { once: true })
        waiter.resolve = (value) => { signal.removeEventListener('abort', onAbort); resolve(value) }
        waiter.reject = (err) => { signal.removeEventListener('abort', onAbort); reject(err) }
      }
      this.#queue.push(waiter)
    })
  }

  resolveFirst (value: T): void {
    this.#queue.shift()?.resolve(value)
  }

  resolveAll (value: T): void
  resolveAll (this: Waiters<void>): void
  resolveAll (value?: T): void {
    for (const w of this.#queue.splice(0)) { w.resolve(value as T) }
  }

  rejectAll (err: Error): void {
    for (const w of this.#queue.splice(0)) { w.reject(err) }
  }
}
