import { secp256k1 } from '@noble/curves/secp256k1.js'
import { expect } from 'aegir/chai'
import { generateKeyPair, privateKeyFromProtobuf, secp256k1PrivateKeyFromRaw, secp256k1PublicKeyFromRaw } from '../src/keys/index.js'
import { hex } from './fixtures/keys.js'
import { RFC6979_SECP256K1_VECTORS, SPEC_VECTORS } from './fixtures/vectors.js'

const MESSAGE = Uint8Array.from([1, 2, 3])

describe('secp256k1', () => {
  for (const [i, vector] of RFC6979_SECP256K1_VECTORS.entries()) {
    it(`matches RFC 6979 vector ${i + 1} (python-ecdsa): public key and signature byte for byte`, async () => {
      const key = secp256k1PrivateKeyFromRaw(hex(vector.privateKey))
      const sig = hex(vector.signature)

      expect(key.publicKey.raw).to.equalBytes(hex(vector.publicKey))
      expect(await key.sign(hex(vector.message))).to.equalBytes(sig)
      expect(await secp256k1PublicKeyFromRaw(hex(vector.publicKey)).verify(hex(vector.message), sig)).to.be.true()
      expect(await secp256k1PublicKeyFromRaw(hex(vector.publicKey)).verify(Uint8Array.of(...hex(vector.message), 0), sig)).to.be.false()
    })
  }

  it('makes deterministic, low-S, DER signatures over sha256 of the data', async () => {
    const key = privateKeyFromProtobuf(hex(SPEC_VECTORS.secp256k1.privateKey))
    const sig = await key.sign(MESSAGE)
    const parsed = secp256k1.Signature.fromBytes(sig, 'der')

    expect(sig[0]).to.equal(0x30)
    expect(await key.sign(MESSAGE)).to.equalBytes(sig)
    expect(parsed.s <= secp256k1.Point.Fn.ORDER / 2n).to.be.true()
    expect(secp256k1.verify(sig, MESSAGE, key.publicKey.raw, { format: 'der' })).to.be.true()
  })

  it('also accepts the high-S form of a signature', async () => {
    const key = await generateKeyPair('secp256k1')
    const parsed = secp256k1.Signature.fromBytes(await key.sign(MESSAGE), 'der')
    const highS = new secp256k1.Signature(parsed.r, secp256k1.Point.Fn.ORDER - parsed.s).toBytes('der')

    expect(key.publicKey.verify(MESSAGE, highS)).to.be.true()
  })

  it('accepts an uncompressed public key and keeps it compressed', () => {
    const pub = secp256k1PublicKeyFromRaw(hex(SPEC_VECTORS.secp256k1.publicKey).subarray(4))
    const point = secp256k1.Point.fromBytes(pub.raw).toBytes(false)

    expect(secp256k1PublicKeyFromRaw(point).raw).to.equalBytes(pub.raw)
    expect(secp256k1PublicKeyFromRaw(point).equals(pub)).to.be.true()
  })

  it('refuses points off the curve and keys of the wrong length', () => {
    const offCurve = Uint8Array.from([0x02, ...new Uint8Array(31), 5])

    expect(() => secp256k1PublicKeyFromRaw(offCurve)).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => secp256k1PublicKeyFromRaw(new Uint8Array(33))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => secp256k1PublicKeyFromRaw(new Uint8Array(34))).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('refuses private scalars that are 0, >= n or of the wrong length', () => {
    expect(() => secp256k1PrivateKeyFromRaw(new Uint8Array(32))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => secp256k1PrivateKeyFromRaw(new Uint8Array(32).fill(0xff))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => secp256k1PrivateKeyFromRaw(new Uint8Array(31).fill(1))).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })
})
