/**
 * secp256k1 on bigint for browsers, written from SEC 1 v2 (point encodings, ECDSA) and RFC 6979
 * (deterministic nonces), so that browser bundles do without `@noble/curves`' Weierstrass code
 * (about 20 KB minified). Same results as impl.ts: signatures are byte-identical (the tests check
 * it against `@noble/curves`).
 *
 * Scalar multiplication is a Montgomery ladder over Jacobian coordinates on a scalar padded to a
 * fixed 257 bits (k + n or k + 2n), so the sequence of field operations does not depend on the
 * secret's bits or length. Like every JavaScript implementation, bigint arithmetic itself is not
 * constant time.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bigIntToBytes, bytesToBigInt, isOnCurve, modPow } from '../../util/bigint.js'
import { signatureFromDER, signatureToDER } from '../ecdsa/der.js'
import type { Secp256k1Point } from './impl.js'

export type { Secp256k1Point }

/** field prime of y² = x³ + 7; p ≡ 3 (mod 4), so a square root is a power */
const P = 2n ** 256n - 2n ** 32n - 977n
/** group order */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
const G: Jacobian = [
  0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
  1n
]
const BYTES = 32

/** X, Y, Z with x = X/Z², y = Y/Z³; Z = 0 is the point at infinity */
type Jacobian = [bigint, bigint, bigint]

const INFINITY: Jacobian = [0n, 1n, 0n]

function mod (a: bigint, m: bigint = P): bigint {
  const r = a % m
  return r < 0n ? r + m : r
}

/** 1/a mod a prime m (Fermat) */
function invert (a: bigint, m: bigint): bigint {
  return modPow(mod(a, m), m - 2n, m)
}

function double ([x, y, z]: Jacobian): Jacobian {
  const a = x * x % P
  const b = y * y % P
  const c = b * b % P
  const d = mod(2n * ((x + b) ** 2n - a - c))
  const e = 3n * a % P
  const x3 = mod(e * e - 2n * d)

  return [x3, mod(e * (d - x3) - 8n * c), 2n * y * z % P]
}

function add (p1: Jacobian, p2: Jacobian): Jacobian {
  const [x1, y1, z1] = p1
  const [x2, y2, z2] = p2

  if (z1 === 0n) {
    return p2
  }

  if (z2 === 0n) {
    return p1
  }

  const z1z1 = z1 * z1 % P
  const z2z2 = z2 * z2 % P
  const u1 = x1 * z2z2 % P
  const s1 = y1 * z2 * z2z2 % P
  const h = mod(x2 * z1z1 - u1)
  const r = mod(y2 * z1 * z1z1 - s1)

  if (h === 0n) {
    return r === 0n ? double(p1) : INFINITY
  }

  const hh = h * h % P
  const hhh = h * hh % P
  const v = u1 * hh % P
  const x3 = mod(r * r - hhh - 2n * v)

  return [x3, mod(r * (v - x3) - s1 * hhh), z1 * z2 % P * h % P]
}

/** k·point for 0 <= k < n: a ladder over k + n (or k + 2n), whose bit 256 is always the top one */
function multiply (point: Jacobian, k: bigint): Jacobian {
  let scalar = k + N

  if (scalar < 2n ** 256n) {
    scalar += N
  }

  let r0 = point
  let r1 = double(point)

  for (let i = 255n; i >= 0n; i--) {
    if (((scalar >> i) & 1n) === 1n) {
      r0 = add(r0, r1)
      r1 = double(r1)
    } else {
      r1 = add(r0, r1)
      r0 = double(r0)
    }
  }

  return r0
}

function toAffine ([x, y, z]: Jacobian): [bigint, bigint] {
  const zInv = invert(z, P)
  const zInv2 = zInv * zInv % P

  return [x * zInv2 % P, y * zInv2 % P * zInv % P]
}

function encode (x: bigint, y: bigint): Secp256k1Point {
  const xBytes = bigIntToBytes(x, BYTES)
  const compressed = new Uint8Array(1 + BYTES)
  compressed[0] = 0x02 | Number(y & 1n)
  compressed.set(xBytes, 1)
  const uncompressed = new Uint8Array(1 + 2 * BYTES)
  uncompressed[0] = 0x04
  uncompressed.set(xBytes, 1)
  uncompressed.set(bigIntToBytes(y, BYTES), 1 + BYTES)

  return { compressed, uncompressed }
}

function decodeCoordinates (raw: Uint8Array): [bigint, bigint] {
  const x = bytesToBigInt(raw.subarray(1, 1 + BYTES))

  if (raw.byteLength === 1 + BYTES && (raw[0] === 0x02 || raw[0] === 0x03)) {
    const ySquared = (x * x * x + 7n) % P
    let y = modPow(ySquared, (P + 1n) / 4n, P)

    // the "root" of a non-residue squares to something else; y = 0 has no odd twin
    if (x >= P || y * y % P !== ySquared || (y === 0n && raw[0] === 0x03)) {
      throw new RangeError('secp256k1 point is not on the curve')
    }

    if (Number(y & 1n) !== (raw[0] & 1)) {
      y = P - y
    }

    return [x, y]
  }

  if (raw.byteLength === 1 + 2 * BYTES && raw[0] === 0x04) {
    const y = bytesToBigInt(raw.subarray(1 + BYTES))

    if (isOnCurve(x, y, 0n, 7n, P)) {
      return [x, y]
    }

    throw new RangeError('secp256k1 point is not on the curve')
  }

  throw new RangeError('secp256k1 point encoding is neither compressed nor uncompressed')
}

export function decodePoint (raw: Uint8Array): Secp256k1Point {
  return encode(...decodeCoordinates(raw))
}

export function isValidSecretKey (d: Uint8Array): boolean {
  const scalar = bytesToBigInt(d)

  return d.byteLength === BYTES && scalar > 0n && scalar < N
}

export function publicPoint (d: Uint8Array): Secp256k1Point {
  return encode(...toAffine(multiply(G, bytesToBigInt(d))))
}

/** RFC 6979 section 3.2 with HMAC-SHA256 (qlen = hlen = 256 bits, so bits2int is a plain read) */
function * nonces (d: Uint8Array, e: bigint): Generator<bigint> {
  const seed = [d, bigIntToBytes(e, BYTES)]
  let v: Uint8Array = new Uint8Array(BYTES).fill(1)
  let k: Uint8Array = new Uint8Array(BYTES)
  const mac = (...parts: Uint8Array[]): Uint8Array => {
    const h = hmac.create(sha256, k)
    for (const part of parts) {
      h.update(part)
    }
    return h.digest()
  }

  k = mac(v, Uint8Array.of(0), ...seed)
  v = mac(v)
  k = mac(v, Uint8Array.of(1), ...seed)
  v = mac(v)

  while (true) {
    v = mac(v)
    const candidate = bytesToBigInt(v)

    if (candidate > 0n && candidate < N) {
      yield candidate
    }

    k = mac(v, Uint8Array.of(0))
    v = mac(v)
  }
}

export function signHash (hash: Uint8Array, d: Uint8Array): Uint8Array {
  const e = bytesToBigInt(hash) % N
  const secret = bytesToBigInt(d)

  for (const k of nonces(d, e)) {
    const r = toAffine(multiply(G, k))[0] % N
    let s = invert(k, N) * mod(e + r * secret, N) % N

    if (r === 0n || s === 0n) {
      continue
    }

    // low-S: the other of the two valid s values when this one is in the upper half
    if (s > N >> 1n) {
      s = N - s
    }

    return signatureToDER(new Uint8Array([...bigIntToBytes(r, BYTES), ...bigIntToBytes(s, BYTES)]))
  }

  // nonces() never ends
  throw new RangeError('unreachable')
}

export function verifyHash (sig: Uint8Array, hash: Uint8Array, uncompressed: Uint8Array): boolean {
  const rs = signatureFromDER(sig, BYTES)

  if (rs == null) {
    return false
  }

  const r = bytesToBigInt(rs.subarray(0, BYTES))
  const s = bytesToBigInt(rs.subarray(BYTES))

  if (r <= 0n || r >= N || s <= 0n || s >= N) {
    return false
  }

  let q: Jacobian

  try {
    q = [...decodeCoordinates(uncompressed), 1n]
  } catch {
    return false
  }

  const w = invert(s, N)
  const point = add(multiply(G, bytesToBigInt(hash) % N * w % N), multiply(q, r * w % N))

  return point[2] !== 0n && toAffine(point)[0] % N === r
}
