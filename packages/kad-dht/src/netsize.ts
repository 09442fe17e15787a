/** estimates kept: the median of the latest ones is the network size */
const MAX_SAMPLES = 64
/** estimates needed before the DHT trusts the median */
const MIN_SAMPLES = 3
/** closest peers a lookup must have found for its distances to say something */
const MIN_POINTS = 8

/**
 * The network size from the distances of lookups' closest peers (go's netsize estimator, the
 * basis of its optimistic provide): with n peers spread uniformly over the keyspace, the i-th
 * closest to any key sits at about i/(n+1) of it, so a least-squares slope through the origin of
 * normalised distance against rank gives 1/(n+1).
 */
export class NetworkSizeEstimator {
  readonly #samples: number[] = []

  /** the kad ids of a finished lookup's closest peers, closest first */
  add (target: Uint8Array, closest: Uint8Array[]): void {
    if (closest.length < MIN_POINTS) { return }
    let rankByDistance = 0
    let rankSquared = 0
    closest.forEach((id, i) => {
      const rank = i + 1
      rankByDistance += rank * normalisedDistance(target, id)
      rankSquared += rank * rank
    })
    if (rankByDistance <= 0) { return }
    const size = rankSquared / rankByDistance - 1
    if (!Number.isFinite(size) || size < 1) { return }
    this.#samples.push(size)
    if (this.#samples.length > MAX_SAMPLES) { this.#samples.shift() }
  }

  /** the median estimate, or undefined before enough lookups finished */
  estimate (): number | undefined {
    if (this.#samples.length < MIN_SAMPLES) { return undefined }
    const sorted = [...this.#samples].sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)]
  }
}

/** XOR distance as a fraction of the keyspace, from its first 48 bits */
export function normalisedDistance (a: Uint8Array, b: Uint8Array): number {
  let value = 0
  for (let i = 0; i < 6; i++) { value = value * 256 + (a[i] ^ b[i]) }
  return value / 2 ** 48
}
