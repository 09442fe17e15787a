import { AbortError } from '@libp2p/interface'
import type { AbortOptions } from '@libp2p/interface'

interface Waiter<T> {
  resolve(value: T): void
  reject(err: Error): void
}

function abortReason (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError()
}

/**
 * A FIFO of pending promises. An aborted wait leaves the queue, so a value that arrives later
 * goes to the next waiter (or stays where it was) instead of being lost to a dead promise.
 *
 * wait() returns the promise it makes (it is not an async function, which would wrap it in a
 * second one), and the queue exists only while something waits: a connection has a reader waiting
 * on each of its layers for its whole life.
 */
export class Waiters<T> {
  #queue?: Array<Waiter<T>>

  get size (): number {
    return this.#queue?.length ?? 0
  }

  wait (options?: AbortOptions): Promise<T> {
    const signal = options?.signal
    if (signal?.aborted === true) {
      return Promise.reject(abortReason(signal))
    }
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject }
      if (signal != null) {
        const onAbort = (): void => {
          const queue = this.#queue
          const i = queue?.indexOf(waiter) ?? -1
          if (i !== -1) { queue?.splice(i, 1) }
          reject(abortReason(signal))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        waiter.resolve = (value) => { signal.removeEventListener('abort', onAbort); resolve(value) }
        waiter.reject = (err) => { signal.removeEventListener('abort', onAbort); reject(err) }
      }
      if (this.#queue === undefined) {
        this.#queue = [waiter]
      } else {
        this.#queue.push(waiter)
      }
    })
  }

  resolveFirst (value: T): void {
    const queue = this.#queue
    if (queue === undefined) { return }
    const waiter = queue.length === 1 ? queue.pop() : queue.shift()
    waiter?.resolve(value)
  }

  resolveAll (value: T): void
  resolveAll (this: Waiters<void>): void
  resolveAll (value?: T): void {
    const queue = this.#queue
    if (queue === undefined || queue.length === 0) { return }
    this.#queue = undefined
    for (const w of queue) { w.resolve(value as T) }
  }

  rejectAll (err: Error): void {
    const queue = this.#queue
    if (queue === undefined || queue.length === 0) { return }
    this.#queue = undefined
    for (const w of queue) { w.reject(err) }
  }
}
