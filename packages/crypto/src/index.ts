/**
 * @packageDocumentation
 *
 * Keys and hashes for libp2p. Keys live in `@libp2p/crypto/keys` and are re-exported here, both
 * flat and as the `keys` namespace js-libp2p's root has; `hmac`, `randomBytes` and `pbkdf2` are
 * js-libp2p's root exports too.
 */
export * from './keys/index.js'
export * as keys from './keys/index.js'
export * as hmac from './hmac/index.js'
export { randomBytes } from './random-bytes.js'
export { pbkdf2 } from './pbkdf2.js'
export { sha256 } from './hash/sha256.js'
export { RSA_DEFAULT_BITS, RSA_MAX_BITS, RSA_MIN_BITS } from './constants.js'
