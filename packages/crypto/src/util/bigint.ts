/**
 * The little modular arithmetic the browser builds need to check public points synchronously
 * (WebCrypto cannot, and `@noble/curves` is loaded only where a key needs it): big-endian bytes to
 * and from bigint, and modular exponentiation. Public data only, so not constant time.
 */

export function bytesToBigInt (bytes: Uint8Array): bigint {
  let hex = '0x0'

  for (const byte of bytes) {
    hex += byte.toString(16).padStart(2, '0')
  }

  return BigInt(hex)
}

export function bigIntToBytes (n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length)

  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn)
    n >>= 8n
  }

  return out
}

/** base^exponent mod modulus, for base >= 0 */
export function modPow (base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n
  base %= modulus

  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) {
      result = result * base % modulus
    }

    base = base * base % modulus
    exponent >>= 1n
  }

  return result
}

/** Whether (x, y) satisfies y² = x³ + ax + b over the prime field of `p`, with both coordinates reduced */
export function isOnCurve (x: bigint, y: bigint, a: bigint, b: bigint, p: bigint): boolean {
  if (x >= p || y >= p) {
    return false
  }

  return (y * y - (x * x * x + a * x + b)) % p === 0n
}
