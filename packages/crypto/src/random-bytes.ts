import { InvalidParametersError } from '@libp2p/interface'

/**
 * `length` random bytes from the platform's CSPRNG (js-libp2p's `randomBytes`; new code can call
 * `crypto.getRandomValues()` itself). getRandomValues fills at most 65,536 bytes per call, so a
 * longer request is filled in slices.
 */
export function randomBytes (length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new InvalidParametersError(`randomBytes needs a positive integer length, got ${length}`)
  }
  const out = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += MAX_RANDOM_SLICE_BYTES) {
    globalThis.crypto.getRandomValues(out.subarray(offset, offset + MAX_RANDOM_SLICE_BYTES))
  }
  return out
}

/** the most getRandomValues() fills in one call (Web Crypto's QuotaExceededError limit) */
const MAX_RANDOM_SLICE_BYTES = 65_536
