import { WINDOW_GROWTH_RTT_FACTOR } from './constants.js'

/**
 * The bytes by which the receive windows of one connection's streams may, together, exceed their
 * initial size. A window takes what it grows by and gives it all back when its stream ends. The
 * initial windows are not counted: the remote may fill them at once, without asking.
 */
export class WindowBudget {
  readonly limit: number
  #used = 0

  constructor (limit: number) {
    this.limit = limit
  }

  /** bytes of growth held by the windows of open streams */
  get used (): number {
    return this.#used
  }

  /** take up to `bytes`; returns how many were taken */
  take (bytes: number): number {
    const taken = Math.min(bytes, this.limit - this.#used)
    this.#used += taken
    return taken
  }

  give (bytes: number): void {
    this.#used -= bytes
  }
}

/**
 * One stream's receive window with auto-tuning.
 *
 * `credit` is what the remote may still send; data past it is a protocol violation. Credit is
 * returned as the application consumes (not as data arrives), in one window update once at least
 * half the window is pending, so a slow reader slows the sender and a fast one does not cost a
 * frame per read.
 *
 * Auto-tuning: a stream's throughput is at most window / RTT. When, at the rate consumed since the
 * previous update, a whole window is used up within `WINDOW_GROWTH_RTT_FACTOR` (2) RTTs, the window
 * is what limits the sender, so it doubles, up to `maxSize` and as far as the connection's
 * WindowBudget allows. It never shrinks (credit granted cannot be taken back); release() returns
 * its growth to the budget when the stream ends. Without an RTT measurement (the muxer pings at
 * start and on keep-alive) it does not grow.
 *
 * Invariant: credit + unread bytes + consumed-but-ungranted bytes <= size, so the unread data of a
 * stream never exceeds its window, and the windows of a connection's open streams never exceed
 * their initial sizes plus the budget.
 */
export class ReceiveWindow {
  /** the window: the most the remote may have in flight plus what we hold unread */
  size: number
  /** bytes the remote may still send */
  credit: number
  readonly initialSize: number
  readonly maxSize: number
  readonly #budget: WindowBudget
  #pending = 0
  #epochStart: number
  #released = false

  constructor (initialSize: number, maxSize: number, budget: WindowBudget, now: number) {
    this.size = initialSize
    this.credit = initialSize
    this.initialSize = initialSize
    this.maxSize = maxSize
    this.#budget = budget
    this.#epochStart = now
  }

  /** `bytes` arrived; false if they exceed the credit (the caller treats that as a violation) */
  receive (bytes: number): boolean {
    if (bytes > this.credit) { return false }
    this.credit -= bytes
    return true
  }

  /**
   * The application consumed `bytes`. Returns the window update delta to send now, or 0 while
   * less than half the window is pending. `grow`: false when the bytes were dropped unread
   * (closeRead), which says nothing about how fast the application reads.
   */
  consume (bytes: number, rttMs: number | undefined, now: number, grow = true): number {
    this.#pending += bytes
    if (this.#pending < this.size / 2) { return 0 }
    // "a window within FACTOR RTTs at this rate": pending / elapsed * (rtt * FACTOR) > size
    if (grow && rttMs != null && this.size < this.maxSize && !this.#released &&
        this.#pending * rttMs * WINDOW_GROWTH_RTT_FACTOR > this.size * (now - this.#epochStart)) {
      const growth = this.#budget.take(Math.min(this.size, this.maxSize - this.size))
      this.#pending += growth
      this.size += growth
    }
    this.#epochStart = now
    const delta = this.#pending
    this.#pending = 0
    this.credit += delta
    return delta
  }

  /** the stream ended: give the growth back to the connection's budget (once) */
  release (): void {
    if (this.#released) { return }
    this.#released = true
    this.#budget.give(this.size - this.initialSize)
  }
}
