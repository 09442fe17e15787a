import { InvalidParametersError } from '@libp2p/interface'

/**
 * A Map that holds at most `maxSize` entries. Inserting a new key into a full map evicts the
 * entry that was inserted first. Lookups do not reorder entries, so a hit costs one `Map.get`.
 */
export class BoundedMap<K, V> {
  private readonly map: Map<K, V>
  readonly maxSize: number

  constructor (maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new InvalidParametersError(`maxSize must be a positive integer, got ${maxSize}`)
    }

    this.map = new Map()
    this.maxSize = maxSize
  }

  get size (): number {
    return this.map.size
  }

  get (key: K): V | undefined {
    return this.map.get(key)
  }

  has (key: K): boolean {
    return this.map.has(key)
  }

  set (key: K, value: V): this {
    if (!this.map.has(key) && this.map.size >= this.maxSize) {
      // Map iterates in insertion order: the first key is the oldest
      const oldest = this.map.keys().next()

      if (oldest.done !== true) {
        this.map.delete(oldest.value)
      }
    }

    this.map.set(key, value)
    return this
  }

  delete (key: K): boolean {
    return this.map.delete(key)
  }

  clear (): void {
    this.map.clear()
  }
}
