import type { AbortOptions } from '@libp2p/interface'

/**
 * A value loaded once, when first asked for (e.g. a count read from the datastore). A load that
 * fails (an aborted first caller) is not remembered: the next caller loads again.
 */
export class Lazy<T> {
  readonly #load: (options?: AbortOptions) => Promise<T>
  #value?: Promise<T>

  constructor (load: (options?: AbortOptions) => Promise<T>) {
    this.#load = load
  }

  /** `options` go to the load if this call starts it */
  async get (options?: AbortOptions): Promise<T> {
    const value = this.#value ?? this.#load(options)
    this.#value = value
    try {
      return await value
    } catch (err) {
      if (this.#value === value) { this.#value = undefined }
      throw err
    }
  }
}
