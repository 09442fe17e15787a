/**
 * Runs async work one at a time per key (a read-modify-write of one datastore entry must not
 * interleave with another for the same entry). Holds an entry only while work for that key is
 * running or waiting, so its size is bounded by the callers in flight.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>()

  async run<T> (key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve()
    const result = previous.then(fn)
    const tail = result.then(() => {}, () => {})
    this.#tails.set(key, tail)
    try {
      return await result
    } finally {
      if (this.#tails.get(key) === tail) { this.#tails.delete(key) }
    }
  }

  /** keys with work running or waiting */
  get size (): number {
    return this.#tails.size
  }
}
