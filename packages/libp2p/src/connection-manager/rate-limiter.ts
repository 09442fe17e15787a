/** the most IPs tracked per window; past it, the window restarts (bounded memory under a flood) */
const MAX_TRACKED_IPS = 10_000

/** Counts inbound connections per IP in one-second windows */
export class InboundRateLimiter {
  readonly #perSecond: number
  #windowStart = 0
  readonly #counts = new Map<string, number>()

  constructor (perSecond: number) {
    this.#perSecond = perSecond
  }

  allow (ip: string, now = Date.now()): boolean {
    if (now - this.#windowStart >= 1000 || this.#counts.size >= MAX_TRACKED_IPS) {
      this.#windowStart = now
      this.#counts.clear()
    }
    const n = (this.#counts.get(ip) ?? 0) + 1
    this.#counts.set(ip, n)
    return n <= this.#perSecond
  }
}
