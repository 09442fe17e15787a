import { commonPrefixLength, compareCloseness } from '../kad-id.js'
import type { PeerId } from '@libp2p/interface'

/** A peer in the table */
export interface TableEntry {
  peer: PeerId
  /** peer.toString(), the map key */
  key: string
  /** sha256 of the peer id's multihash */
  kadId: Uint8Array
  /** the bucket: bits shared with our kad id */
  cpl: number
  /** ms (the table's clock) when the peer last answered; 0 for one restored from the peer store */
  lastSeen: number
  /** its IP groups when the diversity filter admitted it (empty when the filter is off or it has none) */
  groups: string[]
}

/** one bucket per possible common prefix length with our id (a sha256 has 256 bits; 256 itself is us) */
export const BUCKET_COUNT = 256

/**
 * The buckets, fixed by common prefix length as rust-libp2p lays them out: bucket i holds up to k
 * peers whose kad id shares exactly i leading bits with ours, least recently seen first. go
 * instead starts with one bucket and splits the deepest as it fills, which folds every peer
 * deeper than the last split into that bucket; fixed buckets keep k peers at every depth, so the
 * neighbourhood of our own id (where the records we must store live) is never squeezed. Buckets
 * are created when first used: most of the 256 are empty forever (a network of n peers fills
 * about log2(n) of them).
 */
export class Buckets {
  readonly #self: Uint8Array
  readonly #buckets: Array<TableEntry[] | undefined> = new Array(BUCKET_COUNT)
  readonly #byKey = new Map<string, TableEntry>()

  constructor (self: Uint8Array) {
    this.#self = self
  }

  get size (): number {
    return this.#byKey.size
  }

  cplOf (kadId: Uint8Array): number {
    return commonPrefixLength(this.#self, kadId)
  }

  get (key: string): TableEntry | undefined {
    return this.#byKey.get(key)
  }

  /** the bucket's peers, least recently seen first (the live array: do not change it) */
  bucket (cpl: number): readonly TableEntry[] {
    return this.#buckets[cpl] ?? []
  }

  /** the deepest non-empty bucket, -1 when the table is empty */
  deepest (): number {
    for (let i = BUCKET_COUNT - 1; i >= 0; i--) {
      if ((this.#buckets[i]?.length ?? 0) > 0) { return i }
    }
    return -1
  }

  /** insert as most recently seen, or, for a restored peer (lastSeen 0), as least recently seen */
  insert (entry: TableEntry): void {
    let bucket = this.#buckets[entry.cpl]
    if (bucket == null) {
      bucket = []
      this.#buckets[entry.cpl] = bucket
    }
    if (entry.lastSeen === 0) {
      bucket.unshift(entry)
    } else {
      bucket.push(entry)
    }
    this.#byKey.set(entry.key, entry)
  }

  /** the peer answered: it becomes the most recently seen of its bucket */
  touch (entry: TableEntry, now: number): void {
    const bucket = this.#buckets[entry.cpl]
    if (bucket == null) { return }
    const i = bucket.indexOf(entry)
    if (i === -1) { return }
    bucket.splice(i, 1)
    entry.lastSeen = now
    bucket.push(entry)
  }

  delete (entry: TableEntry): boolean {
    if (this.#byKey.get(entry.key) !== entry) { return false }
    this.#byKey.delete(entry.key)
    const bucket = this.#buckets[entry.cpl]
    const i = bucket?.indexOf(entry) ?? -1
    if (bucket != null && i !== -1) { bucket.splice(i, 1) }
    return true
  }

  /**
   * Up to `count` peers closest to `target`, closest first, visiting buckets in order of
   * distance instead of sorting the whole table. With c the bits target shares with us: bucket c's
   * peers agree with target on bit c, so they are closer than anyone else; the peers of every
   * deeper bucket all differ from target first at bit c; and a peer of a shallower bucket i
   * differs from target first at bit i, so bucket c-1 comes before c-2 and so on down to 0.
   */
  closest (target: Uint8Array, count: number): TableEntry[] {
    const out: TableEntry[] = []
    if (count <= 0) { return out }
    const c = commonPrefixLength(this.#self, target)
    const byDistance = (a: TableEntry, b: TableEntry): number => compareCloseness(target, a.kadId, b.kadId)
    const take = (group: TableEntry[]): boolean => {
      group.sort(byDistance)
      for (const entry of group) {
        out.push(entry)
        if (out.length >= count) { return true }
      }
      return false
    }
    if (c < BUCKET_COUNT) {
      if (take([...this.bucket(c)])) { return out }
      const deeper: TableEntry[] = []
      for (let i = c + 1; i < BUCKET_COUNT; i++) { deeper.push(...this.bucket(i)) }
      if (take(deeper)) { return out }
    }
    for (let i = Math.min(c, BUCKET_COUNT) - 1; i >= 0; i--) {
      if (take([...this.bucket(i)])) { return out }
    }
    return out
  }
}
