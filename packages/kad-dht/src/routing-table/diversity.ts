import { MAX_PEERS_PER_GROUP_PER_BUCKET, MAX_PEERS_PER_GROUP_PER_TABLE } from './constants.js'

function bump (counts: Map<string, number>, group: string, by: number): void {
  const n = (counts.get(group) ?? 0) + by
  if (n <= 0) {
    counts.delete(group)
  } else {
    counts.set(group, n)
  }
}

/**
 * go's routing-table diversity filter: counts the table's peers per IP group (see ip-group.ts),
 * per bucket and for the whole table, so one operator cannot fill a bucket or surround a key
 * (an eclipse attack needs many ids close to a target, which is cheap, on many networks, which
 * is not). A peer with several groups counts in each. The maps hold one entry per group of a
 * table peer, so they are bounded by the table's size.
 */
export class DiversityFilter {
  readonly #perBucket = new Map<number, Map<string, number>>()
  readonly #perTable = new Map<string, number>()

  /** whether a peer of these groups may join bucket `cpl` */
  allows (cpl: number, groups: string[]): boolean {
    const bucket = this.#perBucket.get(cpl)
    return groups.every(g =>
      (bucket?.get(g) ?? 0) < MAX_PEERS_PER_GROUP_PER_BUCKET &&
      (this.#perTable.get(g) ?? 0) < MAX_PEERS_PER_GROUP_PER_TABLE
    )
  }

  add (cpl: number, groups: string[]): void {
    this.#update(cpl, groups, 1)
  }

  remove (cpl: number, groups: string[]): void {
    this.#update(cpl, groups, -1)
  }

  #update (cpl: number, groups: string[], by: number): void {
    if (groups.length === 0) { return }
    let bucket = this.#perBucket.get(cpl)
    if (bucket == null) {
      bucket = new Map()
      this.#perBucket.set(cpl, bucket)
    }
    for (const g of groups) {
      bump(bucket, g, by)
      bump(this.#perTable, g, by)
    }
    if (bucket.size === 0) { this.#perBucket.delete(cpl) }
  }
}
