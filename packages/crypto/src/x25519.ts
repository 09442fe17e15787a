/**
 * X25519 (RFC 7748 section 5) on bigint, with the part of `@noble/curves`' `x25519` that libp2p
 * uses: `getPublicKey`, `getSharedSecret` (which refuses the all-zero result of a low-order
 * point) and `utils.randomSecretKey`. It lets browser bundles do without `@noble/curves`' Edwards
 * and Montgomery code (about 24 KB minified), e.g. through a package.json "browser" entry mapping
 * `@noble/curves/ed25519.js` to `@libp2p/crypto/x25519`.
 *
 * The ladder swaps with masks instead of branches, and always runs 255 steps. Like every
 * JavaScript implementation, bigint arithmetic itself is not constant time.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { bigIntToBytes, bytesToBigInt, modPow } from './util/bigint.js'

const P = 2n ** 255n - 19n
const A24 = 121665n
const BYTES = 32

function mod (a: bigint): bigint {
  const r = a % P
  return r < 0n ? r + P : r
}

function fromLittleEndian (bytes: Uint8Array): bigint {
  return bytesToBigInt(Uint8Array.from(bytes).reverse())
}

function toLittleEndian (n: bigint): Uint8Array {
  return bigIntToBytes(n, BYTES).reverse()
}

function checkLength (bytes: Uint8Array, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== BYTES) {
    throw new RangeError(`an X25519 ${what} is ${BYTES} bytes`)
  }
}

/** u-coordinate of k·u (k clamped, u with its top bit ignored, as RFC 7748 decodes them) */
function scalarMult (secretKey: Uint8Array, u: Uint8Array): bigint {
  checkLength(secretKey, 'secret key')
  checkLength(u, 'public key')

  const clamped = Uint8Array.from(secretKey)
  clamped[0] &= 248
  clamped[BYTES - 1] &= 127
  clamped[BYTES - 1] |= 64
  const k = fromLittleEndian(clamped)
  const masked = Uint8Array.from(u)
  masked[BYTES - 1] &= 127
  const x1 = fromLittleEndian(masked) % P

  let x2 = 1n
  let z2 = 0n
  let x3 = x1
  let z3 = 1n
  let swap = 0n

  for (let t = 254n; t >= 0n; t--) {
    const bit = (k >> t) & 1n
    // -1n is all ones: the masks swap without branching on the bit
    const mask = -(swap ^ bit)
    let d = mask & (x2 ^ x3)
    x2 ^= d
    x3 ^= d
    d = mask & (z2 ^ z3)
    z2 ^= d
    z3 ^= d
    swap = bit

    const a = x2 + z2
    const aa = a * a % P
    const b = x2 - z2
    const bb = b * b % P
    const e = aa - bb
    const da = (x3 - z3) * a % P
    const cb = (x3 + z3) * b % P
    x3 = (da + cb) ** 2n % P
    z3 = x1 * mod((da - cb) ** 2n) % P
    x2 = aa * bb % P
    z2 = mod(e * (aa + A24 * e))
  }

  const mask = -swap
  x2 ^= mask & (x2 ^ x3)
  z2 ^= mask & (z2 ^ z3)

  return x2 * modPow(z2, P - 2n, P) % P
}

const BASE_POINT = toLittleEndian(9n)

export const x25519 = {
  getPublicKey (secretKey: Uint8Array): Uint8Array {
    return toLittleEndian(scalarMult(secretKey, BASE_POINT))
  },

  /** throws RangeError when the result is all zeros (the remote key is a low-order point) */
  getSharedSecret (secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    const shared = scalarMult(secretKey, publicKey)

    if (shared === 0n) {
      throw new RangeError('X25519 shared secret is zero: the public key is a low-order point')
    }

    return toLittleEndian(shared)
  },

  utils: {
    randomSecretKey (): Uint8Array {
      return randomBytes(BYTES)
    }
  }
}
