/**
 * The synchronous point check of the browser ECDSA implementation: an uncompressed point is a
 * valid public key when its coordinates are field elements on y² = x³ - 3x + b (the NIST curves
 * have cofactor 1, so no subgroup check). Field primes and b from FIPS 186-4 / SEC 2.
 */
import { bytesToBigInt, isOnCurve } from '../../util/bigint.js'
import { pointCoordinates } from './der.js'
import type { CurveInfo, ECDSACurve } from './curves.js'

const FIELDS: Record<ECDSACurve, { p: bigint, b: bigint }> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x51953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n
  }
}

/** Whether `point` (0x04 || x || y, length already checked) is on `curve` */
export function isECDSAPointOnCurve (curve: CurveInfo, point: Uint8Array): boolean {
  const { p, b } = FIELDS[curve.name]
  const { x, y } = pointCoordinates(curve, point)

  return isOnCurve(bytesToBigInt(x), bytesToBigInt(y), -3n, b, p)
}
