import { x25519 as noble } from '@noble/curves/ed25519.js'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { bigIntToBytes } from '../src/util/bigint.js'
import { x25519 } from '../src/x25519.js'
import { hex } from './fixtures/keys.js'

const P = 2n ** 255n - 19n

function littleEndian (n: bigint): Uint8Array {
  return bigIntToBytes(n % 2n ** 256n, 32).reverse()
}

describe('X25519 on bigint (src/x25519.ts)', () => {
  it('matches the RFC 7748 section 5.2 vectors', () => {
    expect(uint8ArrayToString(x25519.getSharedSecret(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c')
    ), 'base16')).to.equal('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
    expect(uint8ArrayToString(x25519.getSharedSecret(
      hex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      hex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493')
    ), 'base16')).to.equal('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957')
  })

  it('matches the RFC 7748 section 5.2 iteration (1000 rounds)', () => {
    let k = littleEndian(9n)
    let u = littleEndian(9n)

    for (let i = 1; i <= 1000; i++) {
      const next = x25519.getSharedSecret(k, u)
      u = k
      k = next

      if (i === 1) {
        expect(uint8ArrayToString(k, 'base16')).to.equal('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
      }
    }

    expect(uint8ArrayToString(k, 'base16')).to.equal('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
  })

  it('matches the RFC 7748 section 6.1 Diffie-Hellman example', () => {
    const alice = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bob = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')

    expect(uint8ArrayToString(x25519.getPublicKey(alice), 'base16')).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(uint8ArrayToString(x25519.getPublicKey(bob), 'base16')).to.equal('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
    expect(uint8ArrayToString(x25519.getSharedSecret(alice, x25519.getPublicKey(bob)), 'base16')).to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
    expect(x25519.getSharedSecret(bob, x25519.getPublicKey(alice))).to.equalBytes(x25519.getSharedSecret(alice, x25519.getPublicKey(bob)))
  })

  it('agrees with @noble/curves on public keys and shared secrets', () => {
    const key = fc.uint8Array({ minLength: 32, maxLength: 32 })

    fc.assert(fc.property(key, key, (a, b) => {
      expect(x25519.getPublicKey(a)).to.equalBytes(noble.getPublicKey(a))
      // any 32 bytes as the remote key: non-canonical and twist points included
      let expected: Uint8Array | undefined
      try {
        expected = noble.getSharedSecret(a, b)
      } catch {}
      if (expected == null) {
        expect(() => x25519.getSharedSecret(a, b)).to.throw(RangeError)
      } else {
        expect(x25519.getSharedSecret(a, b)).to.equalBytes(expected)
      }
    }), { numRuns: 50 })
  })

  it('refuses low-order public keys (an all-zero shared secret) as @noble/curves does', () => {
    const secret = x25519.utils.randomSecretKey()
    const lowOrder = [
      0n,
      1n,
      P - 1n,
      P,
      P + 1n,
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
      39382357235489614581723060781553021112529911719440698176882885853963445705823n
    ]

    for (const u of lowOrder) {
      expect(() => x25519.getSharedSecret(secret, littleEndian(u)), String(u)).to.throw(RangeError)
      expect(() => noble.getSharedSecret(secret, littleEndian(u)), String(u)).to.throw()
    }
  })

  it('refuses keys that are not 32 bytes', () => {
    expect(() => x25519.getPublicKey(new Uint8Array(31))).to.throw(RangeError)
    expect(() => x25519.getSharedSecret(new Uint8Array(32), new Uint8Array(33))).to.throw(RangeError)
    expect(x25519.utils.randomSecretKey()).to.have.property('byteLength', 32)
  })
})
