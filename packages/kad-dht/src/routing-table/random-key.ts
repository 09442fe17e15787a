import { InvalidParametersError, NotFoundError } from '@libp2p/interface'
import { commonPrefixLength, kadId } from '../kad-id.js'
import { MAX_REFRESH_CPL } from './constants.js'

/** the multihash header of a sha2-256 digest: a key shaped like an RSA peer id (Qm...), as go's refresh sends */
const SHA256_MULTIHASH_HEADER = [0x12, 0x20]
const DIGEST_BYTES = 32

/**
 * Attempts before giving up: an attempt hits cpl `c` exactly with probability 2^-(c+1), so
 * 40 × 2^(c+1) attempts miss with probability about e^-40. At cpl 15 that is at most ~5M sha256
 * (seconds); the expected cost is 65k (~0.1 s).
 */
const ATTEMPTS_PER_EXPECTED = 40

/**
 * A random key (a sha2-256 multihash, the bytes a peer id's multihash would have) whose kad id
 * shares exactly `cpl` leading bits with `self` (a kad id): a FIND_NODE for it lands in bucket
 * `cpl`. `cpl` is capped at 15 as go caps refreshes: each extra bit doubles the search, and
 * buckets that deep are filled by the self-lookup.
 *
 * @throws {InvalidParametersError} when `self` is not 32 bytes or `cpl` is not a whole number ≥ 0
 */
export function randomKeyForCpl (self: Uint8Array, cpl: number): Uint8Array {
  if (self.length !== DIGEST_BYTES) {
    throw new InvalidParametersError(`randomKeyForCpl: self must be a ${DIGEST_BYTES}-byte kad id, got ${self.length} bytes`)
  }
  if (!Number.isSafeInteger(cpl) || cpl < 0) {
    throw new InvalidParametersError(`randomKeyForCpl: cpl must be a whole number >= 0, got ${cpl}`)
  }
  const wanted = Math.min(cpl, MAX_REFRESH_CPL)
  const key = new Uint8Array(SHA256_MULTIHASH_HEADER.length + DIGEST_BYTES)
  key.set(SHA256_MULTIHASH_HEADER)
  const digest = key.subarray(SHA256_MULTIHASH_HEADER.length)
  crypto.getRandomValues(digest)
  const attempts = ATTEMPTS_PER_EXPECTED * 2 ** (wanted + 1)
  for (let i = 0; i < attempts; i++) {
    if (commonPrefixLength(self, kadId(key)) === wanted) { return key }
    // a counter in the first four bytes of random ones: no fresh randomness needed per attempt
    digest[0] = i & 0xff
    digest[1] = (i >>> 8) & 0xff
    digest[2] = (i >>> 16) & 0xff
    digest[3] = (i >>> 24) & 0xff
  }
  throw new NotFoundError(`randomKeyForCpl: no key with common prefix length ${wanted} in ${attempts} attempts`)
}
