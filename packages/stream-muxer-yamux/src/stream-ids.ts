import { LimitExceededError, ProtocolError } from '@libp2p/interface'
import { MAX_ID_GAP_RANGES, MAX_STREAM_ID } from './constants.js'
import { frameName } from './frame.js'

/**
 * The stream ids of one session: ours (the client's odd, the server's even, growing) and the
 * remote's, and which frames may name which id.
 */
export class SessionStreamIds {
  readonly #remote: RemoteStreamIds
  readonly #remoteIsClient: boolean
  #next: number

  /** `client`: we dialled (the yamux client opens odd ids) */
  constructor (client: boolean) {
    this.#remoteIsClient = !client
    this.#next = client ? 1 : 2
    this.#remote = new RemoteStreamIds(client ? 2 : 1)
  }

  /** the id of our next stream; throws LimitExceededError once they are used up */
  next (): number {
    const id = this.#next
    if (id > MAX_STREAM_ID) {
      throw new LimitExceededError('streamIds', MAX_STREAM_ID, 'the yamux stream ids of this connection are used up; open a new connection')
    }
    this.#next += 2
    return id
  }

  /**
   * A frame without SYN for `id`, which names no open stream: returns if the stream existed and
   * finished (the frame is late and ignored), throws ProtocolError if it was never opened.
   */
  checkFinished (id: number, type: number): void {
    const existed = this.#isRemote(id) ? this.#remote.existed(id) : id < this.#next
    if (!existed) {
      throw new ProtocolError(`yamux ${frameName(type)} frame for stream ${id}, which was never opened`)
    }
  }

  /** the remote opens `id` (SYN): throws ProtocolError for an id of our parity or one used before */
  openRemote (id: number): void {
    if (!this.#isRemote(id)) {
      throw new ProtocolError(`yamux SYN for stream ${id}, an id of our parity`)
    }
    if (!this.#remote.open(id)) {
      throw new ProtocolError(`yamux SYN reuses stream id ${id}`)
    }
  }

  #isRemote (id: number): boolean {
    return (id % 2 === 1) === this.#remoteIsClient
  }
}

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
