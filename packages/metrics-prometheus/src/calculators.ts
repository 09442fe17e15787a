import type { CalculateMetric, Logger } from '@libp2p/interface'

/**
 * The calculate functions registered under one name (a second registration of a name adds its
 * function instead of failing, so two nodes or two components can share a metric). A function that
 * throws is logged and left out: one broken component must not fail the whole scrape.
 */
export class Calculators<T> {
  readonly #fns: Array<CalculateMetric<T>> = []
  readonly #log: Logger

  constructor (log: Logger, first?: CalculateMetric<T>) {
    this.#log = log
    if (first != null) { this.#fns.push(first) }
  }

  add (fn: CalculateMetric<T>): void {
    this.#fns.push(fn)
  }

  get size (): number {
    return this.#fns.length
  }

  /** every function's result, in registration order */
  async results (): Promise<T[]> {
    const out: T[] = []
    for (const fn of this.#fns) {
      try {
        out.push(await fn())
      } catch (err: any) {
        this.#log.error('a metric calculation failed - %e', err)
      }
    }
    return out
  }

  /** the results added up (a number per registration) */
  async sum (this: Calculators<number>): Promise<number> {
    let total = 0
    for (const value of await this.results()) { total += value }
    return total
  }

  /** the results added up key by key (a record per registration) */
  async sumByKey (this: Calculators<Record<string, number>>): Promise<Map<string, number>> {
    const totals = new Map<string, number>()
    for (const values of await this.results()) {
      for (const [key, value] of Object.entries(values)) {
        totals.set(key, (totals.get(key) ?? 0) + value)
      }
    }
    return totals
  }
}
