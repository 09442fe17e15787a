import { p256, p384, p521 } from '@noble/curves/nist.js'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { CURVES } from '../src/keys/ecdsa/curves.js'
import { isECDSAPointOnCurve } from '../src/keys/ecdsa/on-curve.js'
import { bigIntToBytes, bytesToBigInt } from '../src/util/bigint.js'

// The synchronous point check of the browser ECDSA implementation (ecdsa/on-curve.ts), checked
// against @noble/curves in every environment.
describe('ECDSA on-curve check (the browser implementation) against @noble/curves', () => {
  for (const [name, noble] of [['P-256', p256], ['P-384', p384], ['P-521', p521]] as const) {
    it(`${name}: public points are on the curve, altered ones are not`, () => {
      const curve = CURVES[name]

      fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 8 * curve.fieldBytes - 2 }), (d, bit) => {
        const point = noble.getPublicKey(noble.Point.Fn.toBytes(BigInt(d)), false)
        expect(isECDSAPointOnCurve(curve, point)).to.equal(true)
        const altered = Uint8Array.from(point)
        altered[altered.byteLength - 1 - (bit >> 3)] ^= 1 << (bit & 7)
        let nobleAccepts = true
        try {
          noble.Point.fromBytes(altered).assertValidity()
        } catch {
          nobleAccepts = false
        }
        expect(isECDSAPointOnCurve(curve, altered)).to.equal(nobleAccepts)
      }), { numRuns: 30 })

      // coordinates that are not field elements (x + p is "on the curve" mod p)
      const point = noble.getPublicKey(noble.Point.Fn.toBytes(3n), false)
      const x = bytesToBigInt(point.subarray(1, 1 + curve.fieldBytes))
      const p = noble.Point.Fp.ORDER
      if (x + p < 2n ** BigInt(8 * curve.fieldBytes)) {
        const big = Uint8Array.from(point)
        big.set(bigIntToBytes(x + p, curve.fieldBytes), 1)
        expect(isECDSAPointOnCurve(curve, big)).to.equal(false)
      }
    })
  }
})
