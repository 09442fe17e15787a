import { TimeoutError } from '@libp2p/interface'
import { Waiters } from '@libp2p/utils'
import type { AbortOptions } from '@libp2p/interface'

interface OutstandingPing {
  opaque: number
  sentAt: number
  waiters: Waiters<number>
}

export interface PingTrackerInit {
  /** write a Ping frame with SYN and this opaque value */
  sendPing(opaque: number): void
  /** a keep-alive ping went unanswered for a whole interval */
  onKeepAliveTimeout(err: Error): void
}

/**
 * Our pings: one outstanding at a time (concurrent ping() calls share it), the last measured RTT
 * (which window auto-tuning uses), and the optional keep-alive timer.
 */
export class PingTracker {
  /** the last measured round trip time in ms, undefined until a pong arrives */
  rtt?: number
  readonly #init: PingTrackerInit
  #outstanding?: OutstandingPing
  #nextOpaque = 1
  #timer?: ReturnType<typeof setTimeout>
  #intervalMs = 0
  #stopped = false

  constructor (init: PingTrackerInit) {
    this.#init = init
  }

  /** send a ping unless one is in flight, and wait for its pong: the RTT in ms */
  async ping (options?: AbortOptions): Promise<number> {
    const outstanding = this.#outstanding ?? this.#send()
    return outstanding.waiters.wait(options)
  }

  /** send a ping to measure the RTT, without waiting for it */
  measure (): void {
    if (this.#outstanding == null && !this.#stopped) { this.#send() }
  }

  /** a Ping with ACK arrived; pongs we did not ask for are ignored */
  onPong (opaque: number): void {
    const outstanding = this.#outstanding
    if (outstanding?.opaque !== opaque) { return }
    this.#outstanding = undefined
    this.rtt = performance.now() - outstanding.sentAt
    outstanding.waiters.resolveAll(this.rtt)
  }

  startKeepAlive (intervalMs: number): void {
    this.#intervalMs = intervalMs
    this.#schedule()
  }

  // a static function given the tracker, not a closure per tracker: every connection has one
  static #tick (tracker: PingTracker): void {
    if (tracker.#stopped) { return }
    if (tracker.#outstanding != null) {
      tracker.#init.onKeepAliveTimeout(new TimeoutError(`keep-alive ping unanswered for ${tracker.#intervalMs} ms`))
      return
    }
    tracker.#send()
    tracker.#schedule()
  }

  /** `reason` is called only if a ping is outstanding */
  stop (reason: () => Error): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    if (this.#outstanding != null && this.#outstanding.waiters.size > 0) {
      this.#outstanding.waiters.rejectAll(reason())
    }
    this.#outstanding = undefined
  }

  #send (): OutstandingPing {
    const outstanding = { opaque: this.#nextOpaque, sentAt: performance.now(), waiters: new Waiters<number>() }
    this.#nextOpaque = this.#nextOpaque === 0xffff_ffff ? 1 : this.#nextOpaque + 1
    this.#outstanding = outstanding
    this.#init.sendPing(outstanding.opaque)
    return outstanding
  }

  #schedule (): void {
    this.#timer = setTimeout(PingTracker.#tick, this.#intervalMs, this)
    // in Node, do not keep the process alive for keep-alives alone (browsers have no unref)
    const timer = this.#timer as { unref?(): void }
    timer.unref?.()
  }
}
