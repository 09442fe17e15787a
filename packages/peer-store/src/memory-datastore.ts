import { Key } from 'interface-datastore'
import { NotFoundError } from 'interface-store'
import type { Batch, Datastore, KeyQuery, Pair, Query } from 'interface-datastore'

/**
 * A Datastore in a Map: the default when a node is given no datastore. Values are copied in and
 * out so callers cannot mutate what is stored.
 */
export class MemoryDatastore implements Datastore {
  readonly #data = new Map<string, Uint8Array>()

  get size (): number {
    return this.#data.size
  }

  put (key: Key, value: Uint8Array): Key {
    this.#data.set(key.toString(), value.slice())
    return key
  }

  get (key: Key): Uint8Array {
    const value = this.#data.get(key.toString())
    if (value == null) { throw new NotFoundError(`no value for ${key.toString()}`) }
    return value.slice()
  }

  has (key: Key): boolean {
    return this.#data.has(key.toString())
  }

  delete (key: Key): void {
    this.#data.delete(key.toString())
  }

  async * putMany (source: Iterable<Pair> | AsyncIterable<Pair>): AsyncGenerator<Key> {
    for await (const { key, value } of source) {
      yield this.put(key, value)
    }
  }

  async * getMany (source: Iterable<Key> | AsyncIterable<Key>): AsyncGenerator<Pair> {
    for await (const key of source) {
      yield { key, value: this.get(key) }
    }
  }

  async * deleteMany (source: Iterable<Key> | AsyncIterable<Key>): AsyncGenerator<Key> {
    for await (const key of source) {
      this.delete(key)
      yield key
    }
  }

  batch (): Batch {
    const puts: Pair[] = []
    const deletes: Key[] = []
    return {
      // copied now: what is committed is the value as it was when put in the batch
      put: (key, value) => { puts.push({ key, value: value.slice() }) },
      delete: (key) => { deletes.push(key) },
      commit: () => {
        for (const { key, value } of puts) { this.put(key, value) }
        for (const key of deletes) { this.delete(key) }
      }
    }
  }

  * query (q: Query): Generator<Pair> {
    let pairs: Pair[] = []
    for (const [k, v] of this.#data) {
      if (q.prefix != null && !k.startsWith(q.prefix)) { continue }
      const pair = { key: new Key(k), value: v.slice() }
      if (q.filters?.every(f => f(pair)) === false) { continue }
      pairs.push(pair)
    }
    for (const order of q.orders ?? []) { pairs = pairs.sort(order) }
    yield * pairs.slice(q.offset ?? 0, q.limit == null ? undefined : (q.offset ?? 0) + q.limit)
  }

  * queryKeys (q: KeyQuery): Generator<Key> {
    let keys: Key[] = []
    for (const k of this.#data.keys()) {
      if (q.prefix != null && !k.startsWith(q.prefix)) { continue }
      const key = new Key(k)
      if (q.filters?.every(f => f(key)) === false) { continue }
      keys.push(key)
    }
    for (const order of q.orders ?? []) { keys = keys.sort(order) }
    yield * keys.slice(q.offset ?? 0, q.limit == null ? undefined : (q.offset ?? 0) + q.limit)
  }
}
