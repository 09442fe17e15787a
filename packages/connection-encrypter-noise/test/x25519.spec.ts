import { expect } from 'aegir/chai'
import { crypto } from '../src/crypto/index.js'
import { hex, toHex } from './fixtures/run-vector.js'

// X25519 of this platform's NoiseCrypto (node:crypto in Node; @noble/curves in browsers, through
// the package.json "browser" map) against RFC 7748.
describe('X25519 (RFC 7748 vectors)', () => {
  it('section 5.2: the two scalar multiplication vectors', () => {
    const vectors = [
      ['a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4', 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c', 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'],
      ['4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d', 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493', '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957']
    ]

    for (const [scalar, u, out] of vectors) {
      expect(toHex(crypto.dh(crypto.keyPairFromPrivateKey(hex(scalar)), hex(u)))).to.equal(out)
    }
  })

  it('section 5.2: the iterated vector after 1 and 1,000 rounds', () => {
    let k = hex('0900000000000000000000000000000000000000000000000000000000000000')
    let u = k

    for (let i = 1; i <= 1000; i++) {
      const next = crypto.dh(crypto.keyPairFromPrivateKey(k), u)
      u = k
      k = next

      if (i === 1) {
        expect(toHex(k)).to.equal('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079')
      }
    }

    expect(toHex(k)).to.equal('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51')
  })

  it('section 6.1: the Diffie-Hellman example, public keys and shared secret', () => {
    const alice = crypto.keyPairFromPrivateKey(hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'))
    const bob = crypto.keyPairFromPrivateKey(hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'))

    expect(toHex(alice.publicKey)).to.equal('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a')
    expect(toHex(bob.publicKey)).to.equal('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f')
    expect(toHex(crypto.dh(alice, bob.publicKey))).to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
    expect(toHex(crypto.dh(bob, alice.publicKey))).to.equal('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742')
  })

  it('refuses low-order public keys (all-zero shared secret) with InvalidMessageError', () => {
    const local = crypto.generateKeyPair()
    const lowOrder = [
      '0000000000000000000000000000000000000000000000000000000000000000',
      '0100000000000000000000000000000000000000000000000000000000000000',
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'
    ]

    for (const u of lowOrder) {
      expect(() => crypto.dh(local, hex(u)), u).to.throw().with.property('name', 'InvalidMessageError')
    }
  })
})
