/**
 * secp256k1 on `@noble/curves` in every environment (neither node:crypto's OpenSSL build nor
 * WebCrypto has it everywhere): the point, scalar and signature operations the key classes need.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'

export interface Secp256k1Point {
  compressed: Uint8Array
  uncompressed: Uint8Array
}

/** The point of a 33-byte compressed or 65-byte uncompressed encoding; throws when it is not on the curve */
export function decodePoint (raw: Uint8Array): Secp256k1Point {
  const point = secp256k1.Point.fromBytes(raw)
  point.assertValidity()

  return { compressed: point.toBytes(true), uncompressed: point.toBytes(false) }
}

/** Whether 1 <= d < n */
export function isValidSecretKey (d: Uint8Array): boolean {
  return secp256k1.utils.isValidSecretKey(d)
}

/** The public point of a valid secret scalar */
export function publicPoint (d: Uint8Array): Secp256k1Point {
  return decodePoint(secp256k1.getPublicKey(d, false))
}

/** RFC 6979 deterministic, low-S, DER signature of the 32-byte `hash` */
export function signHash (hash: Uint8Array, d: Uint8Array): Uint8Array {
  return secp256k1.sign(hash, d, { prehash: false, format: 'der', lowS: true })
}

/** Whether `sig` (DER, high-S accepted) signs the 32-byte `hash` for the uncompressed point */
export function verifyHash (sig: Uint8Array, hash: Uint8Array, uncompressed: Uint8Array): boolean {
  try {
    return secp256k1.verify(sig, hash, uncompressed, { prehash: false, format: 'der', lowS: false })
  } catch {
    return false
  }
}
