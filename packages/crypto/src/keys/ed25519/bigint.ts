/**
 * Ed25519 on bigint, written from RFC 8032 section 5.1, for browsers whose WebCrypto has no
 * Ed25519 (impl.browser.ts tries WebCrypto first). Asynchronous only because SHA-512 comes from
 * `crypto.subtle`. Verification is cofactorless with canonical encodings and S < L, as OpenSSL
 * (Node) and BoringSSL (Chromium's WebCrypto) check it.
 *
 * Scalar multiplication is a Montgomery ladder over 256 bits with the unified addition of
 * extended coordinates, so the sequence of field operations does not depend on the scalar. Like
 * every JavaScript implementation, bigint arithmetic itself is not constant time.
 */
import { bigIntToBytes, bytesToBigInt, modPow } from '../../util/bigint.js'
import { toArrayBufferView } from '../../util/bytes.js'

const P = 2n ** 255n - 19n
/** order of the base point */
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const BYTES = 32

/** X, Y, Z, T with x = X/Z, y = Y/Z, xy = T/Z */
type Extended = [bigint, bigint, bigint, bigint]

function mod (a: bigint, m: bigint = P): bigint {
  const r = a % m
  return r < 0n ? r + m : r
}

function invert (a: bigint): bigint {
  return modPow(mod(a), P - 2n, P)
}

const D = mod(-121665n * invert(121666n))
const D2 = 2n * D % P
const SQRT_M1 = modPow(2n, (P - 1n) / 4n, P)
const IDENTITY: Extended = [0n, 1n, 1n, 0n]

/** unified addition on -x² + y² = 1 + d x² y² (also doubles, also takes the identity) */
function add ([x1, y1, z1, t1]: Extended, [x2, y2, z2, t2]: Extended): Extended {
  const a = (y1 - x1) * (y2 - x2) % P
  const b = (y1 + x1) * (y2 + x2) % P
  const c = t1 * D2 % P * t2 % P
  const d = 2n * z1 * z2 % P
  const e = b - a
  const f = d - c
  const g = d + c
  const h = b + a

  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)]
}

function negate ([x, y, z, t]: Extended): Extended {
  return [mod(-x), y, z, mod(-t)]
}

/** k·point for 0 <= k < 2^256 */
function multiply (point: Extended, k: bigint): Extended {
  let r0 = IDENTITY
  let r1 = point

  for (let i = 255n; i >= 0n; i--) {
    if (((k >> i) & 1n) === 1n) {
      r0 = add(r0, r1)
      r1 = add(r1, r1)
    } else {
      r1 = add(r0, r1)
      r0 = add(r0, r0)
    }
  }

  return r0
}

function leToBigInt (bytes: Uint8Array): bigint {
  return bytesToBigInt(Uint8Array.from(bytes).reverse())
}

function encode ([x, y, z]: Extended): Uint8Array {
  const zInv = invert(z)
  const out = bigIntToBytes(y * zInv % P, BYTES).reverse()
  out[BYTES - 1] |= Number(x * zInv % P & 1n) << 7

  return out
}

/** the point of a canonical encoding, or undefined */
function decode (bytes: Uint8Array): Extended | undefined {
  const sign = bytes[BYTES - 1] >> 7
  const y = leToBigInt(bytes) & (2n ** 255n - 1n)

  if (y >= P) {
    return undefined
  }

  // x² = u / v; candidate root (u v³)(u v⁷)^((p-5)/8), fixed by sqrt(-1) when it squares to -u/v
  const y2 = y * y % P
  const u = mod(y2 - 1n)
  const v = mod(D * y2 + 1n)
  const v3 = v * v % P * v % P
  let x = u * v3 % P * modPow(u * v3 % P * v3 % P * v % P, (P - 5n) / 8n, P) % P
  const vx2 = v * x % P * x % P

  if (vx2 !== u) {
    if (vx2 !== mod(-u)) {
      return undefined
    }

    x = x * SQRT_M1 % P
  }

  if (x === 0n && sign === 1) {
    return undefined
  }

  if (Number(x & 1n) !== sign) {
    x = P - x
  }

  return [x, y, 1n, x * y % P]
}

const BASE = decode(bigIntToBytes(4n * invert(5n) % P, BYTES).reverse()) as Extended

async function sha512 (...parts: Uint8Array[]): Promise<Uint8Array> {
  const data = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0))
  let offset = 0

  for (const part of parts) {
    data.set(part, offset)
    offset += part.byteLength
  }

  return new Uint8Array(await crypto.subtle.digest('SHA-512', toArrayBufferView(data)))
}

/** the secret scalar and the nonce prefix of a 32-byte seed */
async function expand (seed: Uint8Array): Promise<{ scalar: bigint, prefix: Uint8Array }> {
  const h = await sha512(seed)
  const bytes = h.slice(0, BYTES)
  bytes[0] &= 248
  bytes[BYTES - 1] &= 127
  bytes[BYTES - 1] |= 64

  return { scalar: leToBigInt(bytes), prefix: h.subarray(BYTES) }
}

export async function publicKeyFromSeed (seed: Uint8Array): Promise<Uint8Array> {
  return encode(multiply(BASE, (await expand(seed)).scalar))
}

export async function sign (seed: Uint8Array, publicKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const { scalar, prefix } = await expand(seed)
  const r = leToBigInt(await sha512(prefix, message)) % L
  const R = encode(multiply(BASE, r))
  const k = leToBigInt(await sha512(R, publicKey, message)) % L
  const out = new Uint8Array(2 * BYTES)
  out.set(R)
  out.set(bigIntToBytes((r + k * scalar) % L, BYTES).reverse(), BYTES)

  return out
}

export async function verify (publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): Promise<boolean> {
  const A = publicKey.byteLength === BYTES ? decode(publicKey) : undefined
  const R = sig.subarray(0, BYTES)
  const s = leToBigInt(sig.subarray(BYTES))

  if (A == null || sig.byteLength !== 2 * BYTES || s >= L) {
    return false
  }

  const k = leToBigInt(await sha512(R, publicKey, message)) % L
  const expected = encode(add(multiply(BASE, s), negate(multiply(A, k))))

  return expected.every((byte, i) => byte === R[i])
}
