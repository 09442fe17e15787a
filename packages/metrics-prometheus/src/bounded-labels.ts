import { OTHER_LABEL_VALUE } from './constants.js'

/**
 * Maps label values to themselves until `max` distinct ones were seen, then every new one to
 * OTHER_LABEL_VALUE. The set is what bounds a group's series: prom-client keeps one per value.
 */
export class BoundedLabels {
  readonly #max: number
  readonly #seen = new Set<string>()

  constructor (max: number) {
    // one slot is kept for OTHER_LABEL_VALUE itself
    this.#max = Math.max(1, max - 1)
  }

  value (key: string): string {
    if (this.#seen.has(key)) { return key }
    if (this.#seen.size >= this.#max) { return OTHER_LABEL_VALUE }
    this.#seen.add(key)
    return key
  }

  clear (): void {
    this.#seen.clear()
  }
}

/**
 * Prometheus accepts [a-zA-Z_:][a-zA-Z0-9_:]* as a metric name and the same without ':' as a label
 * name: any other character becomes '_' (as js-libp2p does), so a component's name with a '-' or a
 * '/' in it registers instead of throwing.
 */
export function normaliseName (name: string, label = false): string {
  const out = name.replace(label ? /[^a-zA-Z0-9_]/g : /[^a-zA-Z0-9_:]/g, '_')
  return /^[0-9]/.test(out) ? `_${out}` : out
}
