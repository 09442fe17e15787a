import { secp256k1 } from '@noble/curves/secp256k1.js'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import * as own from '../src/keys/secp256k1/impl.browser.js'
import { bigIntToBytes } from '../src/util/bigint.js'

// The browser implementation of secp256k1 without @noble/curves (secp256k1/impl.browser.ts),
// checked against @noble/curves in every environment. The ladder is slow
// (bigint), so the property runs are few.
const RUNS = 12
const N = secp256k1.Point.Fn.ORDER
const scalar = fc.bigInt({ min: 1n, max: N - 1n }).map(d => secp256k1.Point.Fn.toBytes(d))
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 })

function nobleDecode (raw: Uint8Array): { compressed: Uint8Array, uncompressed: Uint8Array } | undefined {
  try {
    const point = secp256k1.Point.fromBytes(raw)
    point.assertValidity()
    return { compressed: point.toBytes(true), uncompressed: point.toBytes(false) }
  } catch {
    return undefined
  }
}

function ownDecode (raw: Uint8Array): { compressed: Uint8Array, uncompressed: Uint8Array } | undefined {
  try {
    return own.decodePoint(raw)
  } catch {
    return undefined
  }
}

describe('secp256k1 on bigint (the browser implementation) against @noble/curves', () => {
  it('derives the same public points, including for the extreme scalars 1, 2 and n - 1', () => {
    for (const d of [1n, 2n, 3n, N - 1n, N - 2n, 2n ** 255n]) {
      const bytes = secp256k1.Point.Fn.toBytes(d)
      expect(own.publicPoint(bytes).uncompressed, String(d)).to.equalBytes(secp256k1.getPublicKey(bytes, false))
      expect(own.publicPoint(bytes).compressed, String(d)).to.equalBytes(secp256k1.getPublicKey(bytes, true))
    }

    fc.assert(fc.property(scalar, d => {
      expect(own.publicPoint(d).uncompressed).to.equalBytes(secp256k1.getPublicKey(d, false))
    }), { numRuns: RUNS })
  })

  it('makes byte-identical RFC 6979 low-S DER signatures', () => {
    fc.assert(fc.property(scalar, hash, (d, h) => {
      const sig = own.signHash(h, d)
      expect(sig).to.equalBytes(secp256k1.sign(h, d, { prehash: false, format: 'der', lowS: true }))
      expect(own.verifyHash(sig, h, secp256k1.getPublicKey(d, false))).to.equal(true)
    }), { numRuns: RUNS })
  })

  it('verifies what noble verifies: high-S, and neither a changed hash, r, s nor key', () => {
    fc.assert(fc.property(scalar, scalar, hash, (d, other, h) => {
      const pub = secp256k1.getPublicKey(d, false)
      const sig = secp256k1.Signature.fromBytes(secp256k1.sign(h, d, { prehash: false, format: 'der', lowS: true }), 'der')
      const der = (r: bigint, s: bigint): Uint8Array => new secp256k1.Signature(r, s).toBytes('der')
      const flipped = Uint8Array.from(h, (b, i) => i === 0 ? b ^ 1 : b)

      expect(own.verifyHash(der(sig.r, N - sig.s), h, pub)).to.equal(true)
      expect(own.verifyHash(der(sig.r, sig.s), flipped, pub)).to.equal(false)
      expect(own.verifyHash(der(sig.r === 1n ? 2n : sig.r - 1n, sig.s), h, pub)).to.equal(false)
      expect(own.verifyHash(der(sig.r, sig.s === 1n ? 2n : sig.s - 1n), h, pub)).to.equal(false)
      expect(own.verifyHash(der(sig.r, sig.s), h, secp256k1.getPublicKey(other, false))).to.equal(d.every((b, i) => b === other[i]))
    }), { numRuns: RUNS })
  })

  it('refuses r or s of 0 or >= n and malformed DER', () => {
    const d = secp256k1.Point.Fn.toBytes(7n)
    const h = new Uint8Array(32).fill(9)
    const pub = secp256k1.getPublicKey(d, false)
    const enc = (r: bigint, s: bigint): Uint8Array => {
      const int = (v: bigint): number[] => {
        const bytes = [...secp256k1.Point.Fn.toBytes(v % 2n ** 256n)]
        return [0x02, 33, 0, ...bytes]
      }
      const body = [...int(r), ...int(s)]
      return Uint8Array.from([0x30, body.length, ...body])
    }

    expect(own.verifyHash(enc(0n, 1n), h, pub)).to.equal(false)
    expect(own.verifyHash(enc(1n, 0n), h, pub)).to.equal(false)
    expect(own.verifyHash(enc(N, 1n), h, pub)).to.equal(false)
    expect(own.verifyHash(enc(1n, N), h, pub)).to.equal(false)
    expect(own.verifyHash(new Uint8Array(70), h, pub)).to.equal(false)
    expect(own.verifyHash(own.signHash(h, d), h, new Uint8Array(65))).to.equal(false)
  })

  it('decodes and refuses the same points', () => {
    const key = secp256k1.getPublicKey(secp256k1.Point.Fn.toBytes(5n), true)
    const samples: Uint8Array[] = [
      key,
      secp256k1.Point.fromBytes(key).toBytes(false),
      Uint8Array.from([0x03, ...key.subarray(1)]),
      Uint8Array.from([0x04, ...new Uint8Array(64)]),
      Uint8Array.from([0x02, ...new Uint8Array(32)]),
      Uint8Array.from([0x02, ...new Uint8Array(32).fill(0xff)]),
      Uint8Array.from([0x05, ...key.subarray(1)]),
      new Uint8Array(33),
      new Uint8Array(65)
    ]

    for (const raw of samples) {
      const expected = nobleDecode(raw)
      const got = ownDecode(raw)
      expect(got == null, raw.toString()).to.equal(expected == null)
      if (expected != null && got != null) {
        expect(got.compressed).to.equalBytes(expected.compressed)
        expect(got.uncompressed).to.equalBytes(expected.uncompressed)
      }
    }

    fc.assert(fc.property(fc.constantFrom(2, 3), fc.uint8Array({ minLength: 32, maxLength: 32 }), (prefix, x) => {
      const raw = Uint8Array.from([prefix, ...x])
      const expected = nobleDecode(raw)
      const got = ownDecode(raw)
      expect(got == null).to.equal(expected == null)
      if (expected != null && got != null) {
        expect(got.uncompressed).to.equalBytes(expected.uncompressed)
        expect(ownDecode(expected.uncompressed)?.compressed).to.equalBytes(raw)
      }
    }), { numRuns: 200 })
  })

  it('accepts scalars 1..n-1 only', () => {
    expect(own.isValidSecretKey(new Uint8Array(32))).to.equal(false)
    expect(own.isValidSecretKey(secp256k1.Point.Fn.toBytes(1n))).to.equal(true)
    expect(own.isValidSecretKey(secp256k1.Point.Fn.toBytes(N - 1n))).to.equal(true)
    expect(own.isValidSecretKey(bigIntToBytes(N, 32))).to.equal(false)
    expect(own.isValidSecretKey(new Uint8Array(32).fill(0xff))).to.equal(false)
    expect(own.isValidSecretKey(new Uint8Array(31).fill(1))).to.equal(false)
  })
})
