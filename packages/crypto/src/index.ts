/**
 * @packageDocumentation
 *
 * Keys and hashes for libp2p. Keys live in `@libp2p/crypto/keys` and are re-exported here.
 */
export * from './keys/index.js'
export { sha256 } from './hash/sha256.js'
export { RSA_DEFAULT_BITS, RSA_MAX_BITS, RSA_MIN_BITS } from './constants.js'
