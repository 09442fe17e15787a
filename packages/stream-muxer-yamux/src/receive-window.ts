import { WINDOW_GROWTH_RTT_FACTOR } from './constants.js'

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
 * is what limits the sender, so it doubles, up to `maxSize`. It never shrinks. Without an RTT
 * measurement (the muxer pings at start and on keep-alive) it does not grow.
 *
 * Invariant: credit + unread bytes + consumed-but-ungranted bytes <= size, so the unread data of a
 * stream never exceeds its window.
 */
export class ReceiveWindow {
  /** the window: the most the remote may have in flight plus what we hold unread */
  size: number
  /** bytes the remote may still send */
  credit: number
  readonly maxSize: number
  #pending = 0
  #epochStart: number

  constructor (initialSize: number, maxSize: number, now: number) {
    this.size = initialSize
    this.credit = initialSize
    this.maxSize = maxSize
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
   * less than half the window is pending.
   */
  consume (bytes: number, rttMs: number | undefined, now: number): number {
    this.#pending += bytes
    if (this.#pending < this.size / 2) { return 0 }
    // "a window within FACTOR RTTs at this rate": pending / elapsed * (rtt * FACTOR) > size
    if (rttMs != null && this.size < this.maxSize && this.#pending * rttMs * WINDOW_GROWTH_RTT_FACTOR > this.size * (now - this.#epochStart)) {
      const grown = Math.min(this.size * 2, this.maxSize)
      this.#pending += grown - this.size
      this.size = grown
    }
    this.#epochStart = now
    const delta = this.#pending
    this.#pending = 0
    this.credit += delta
    return delta
  }
}
