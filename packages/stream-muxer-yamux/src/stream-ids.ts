import { MAX_ID_GAP_RANGES } from './constants.js'

/**
 * Which ids the remote has used, to tell a late frame for a finished stream (ignored) from a
 * frame for a stream that never existed or a reused id (protocol violations), without remembering
 * every finished stream.
 *
 * Remote ids grow, but may arrive slightly out of order (a peer that opens streams concurrently
 * can send SYN 5 before SYN 3), so the ids skipped below the highest one are remembered as ranges,
 * at most MAX_ID_GAP_RANGES of them: past that the oldest range is forgotten, and a very late SYN
 * for one of its ids counts as reuse. Every operation is O(MAX_ID_GAP_RANGES).
 */
export class RemoteStreamIds {
  #highest: number
  /** skipped ids, as inclusive [first, last] ranges of the remote's parity, in increasing order */
  readonly #gaps: Array<[number, number]> = []

  /** `firstId`: 1 when the remote is the client (odd ids), 2 when it is the server (even ids) */
  constructor (firstId: 1 | 2) {
    this.#highest = firstId - 2
  }

  /** a SYN for `id` (of the remote's parity, not currently open): false if the id was used before */
  open (id: number): boolean {
    if (id > this.#highest) {
      if (id > this.#highest + 2) { this.#addGap([this.#highest + 2, id - 2], this.#gaps.length) }
      this.#highest = id
      return true
    }
    const i = this.#gapIndex(id)
    if (i === -1) { return false }
    const [first, last] = this.#gaps[i]
    if (first === last) {
      this.#gaps.splice(i, 1)
    } else if (id === first) {
      this.#gaps[i][0] = id + 2
    } else if (id === last) {
      this.#gaps[i][1] = id - 2
    } else {
      this.#gaps[i][1] = id - 2
      this.#addGap([id + 2, last], i + 1)
    }
    return true
  }

  /** a frame without SYN for `id`, which is not open: true if it belonged to a stream that existed */
  existed (id: number): boolean {
    return id <= this.#highest && this.#gapIndex(id) === -1
  }

  #gapIndex (id: number): number {
    return this.#gaps.findIndex(([first, last]) => first <= id && id <= last)
  }

  #addGap (gap: [number, number], at: number): void {
    this.#gaps.splice(at, 0, gap)
    if (this.#gaps.length > MAX_ID_GAP_RANGES) { this.#gaps.shift() }
  }
}
