import { expect } from 'aegir/chai'
import { concat } from 'uint8arrays/concat'
import { ed25519PrivateKeyFromRaw, ed25519PublicKeyFromRaw, generateKeyPairFromSeed, privateKeyFromProtobuf, privateKeyFromRaw } from '../src/keys/index.js'
import { hex } from './fixtures/keys.js'
import { RFC8032_VECTORS } from './fixtures/vectors.js'

describe('Ed25519', () => {
  for (const [i, vector] of RFC8032_VECTORS.entries()) {
    it(`matches RFC 8032 test ${i + 1}`, async () => {
      const key = await generateKeyPairFromSeed('Ed25519', hex(vector.seed))

      expect(key.publicKey.raw).to.equalBytes(hex(vector.publicKey))
      expect(key.raw).to.equalBytes(concat([hex(vector.seed), hex(vector.publicKey)]))
      expect(await key.sign(hex(vector.message))).to.equalBytes(hex(vector.signature))
      expect(await ed25519PublicKeyFromRaw(hex(vector.publicKey)).verify(hex(vector.message), hex(vector.signature))).to.be.true()
      expect(await ed25519PublicKeyFromRaw(hex(vector.publicKey)).verify(Uint8Array.of(...hex(vector.message), 0), hex(vector.signature))).to.be.false()
    })
  }

  it('gives the same keys from the synchronous and the asynchronous derivations', async () => {
    for (const vector of RFC8032_VECTORS) {
      expect(privateKeyFromRaw(hex(vector.seed), 'Ed25519').publicKey.raw).to.equalBytes((await generateKeyPairFromSeed('Ed25519', hex(vector.seed))).publicKey.raw)
    }
  })

  it('takes a 32-byte seed as a raw private key when told the type', () => {
    const vector = RFC8032_VECTORS[0]
    const key = privateKeyFromRaw(hex(vector.seed), 'Ed25519')

    expect(key.publicKey.raw).to.equalBytes(hex(vector.publicKey))
  })

  it('accepts the legacy 96-byte private key encoding', () => {
    const vector = RFC8032_VECTORS[1]
    const legacy = concat([hex(vector.seed), hex(vector.publicKey), hex(vector.publicKey)])
    const key = privateKeyFromProtobuf(concat([hex('08011260'), legacy]))

    expect(key.raw).to.equalBytes(legacy.subarray(0, 64))
  })

  it('refuses private keys whose public half is not their own', () => {
    const [a, b] = RFC8032_VECTORS

    expect(() => ed25519PrivateKeyFromRaw(concat([hex(a.seed), hex(b.publicKey)]))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => ed25519PrivateKeyFromRaw(concat([hex(a.seed), hex(a.publicKey), hex(b.publicKey)]))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => ed25519PrivateKeyFromRaw(new Uint8Array(63))).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })

  it('refuses public keys of the wrong length and seeds of the wrong length', async () => {
    expect(() => ed25519PublicKeyFromRaw(new Uint8Array(31))).to.throw().with.property('name', 'InvalidPublicKeyError')
    await expect(generateKeyPairFromSeed('Ed25519', new Uint8Array(31))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(generateKeyPairFromSeed('secp256k1', new Uint8Array(32))).to.eventually.be.rejected.with.property('name', 'UnsupportedKeyTypeError')
  })

  it('returns false for a public key that is not a curve point', async () => {
    // y = 2 has no x on the curve
    const pub = ed25519PublicKeyFromRaw(concat([Uint8Array.of(2), new Uint8Array(31)]))

    expect(await pub.verify(Uint8Array.of(1), new Uint8Array(64).fill(1))).to.be.false()
  })
})
