/**
 * ECDSA keys and signatures from js-libp2p 3.x (fixtures/js-ecdsa.ts): its public key encoding
 * decodes and keeps its bytes (so its peer id is the one those bytes name), its SEC1 private keys
 * are the same bytes as ours, and its r || s signatures verify as DER ones do.
 */
import { expect } from 'aegir/chai'
import { CURVES } from '../src/keys/ecdsa/curves.js'
import { encodeECDSAPublicKey, parseECDSAPublicKey, signatureFromDER } from '../src/keys/ecdsa/der.js'
import { ecdsaPublicKeyFromDER, generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyFromProtobuf, publicKeyFromRaw, publicKeyToProtobuf } from '../src/keys/index.js'
import { encodeBitString, encodeElement, encodeSequence, encodeUnsignedInteger, TAG_CONTEXT_0, TAG_CONTEXT_1, TAG_OID } from '../src/util/der.js'
import { JS_ECDSA_P256_AS_SPKI, JS_ECDSA_VECTORS } from './fixtures/js-ecdsa.js'
import { hex } from './fixtures/keys.js'
import type { ECDSACurve } from '../src/keys/index.js'

/** js-libp2p's public key shape, built here to vary it */
function jsShape (version: number, oid: Uint8Array, point: Uint8Array, ...extra: Uint8Array[]): Uint8Array {
  return encodeSequence(
    encodeUnsignedInteger(Uint8Array.of(version)),
    encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, oid)),
    encodeElement(TAG_CONTEXT_1, encodeBitString(point)),
    ...extra
  )
}

describe('ECDSA with js-libp2p 3.x encodings', () => {
  for (const [name, vector] of Object.entries(JS_ECDSA_VECTORS) as Array<[ECDSACurve, typeof JS_ECDSA_VECTORS['P-256']]>) {
    describe(name, () => {
      const message = hex(vector.message)
      const jsSignature = hex(vector.signature)

      it('decodes the public key, keeps its bytes and takes the peer id they name', () => {
        const key = publicKeyFromProtobuf(hex(vector.publicKey))

        expect(key.type).to.equal('ECDSA')
        expect(publicKeyToProtobuf(key)).to.equalBytes(hex(vector.publicKey))
        expect(key.toString()).to.equal(vector.peerId)
        expect(key.toMultihash().code).to.equal(0x12)
        expect(publicKeyFromRaw(key.raw).equals(key)).to.be.true()
        expect(parseECDSAPublicKey(key.raw).curve.name).to.equal(name)
      })

      it('verifies js-libp2p\'s r || s signature, and not on other data or when altered', async () => {
        const key = publicKeyFromProtobuf(hex(vector.publicKey))
        const altered = jsSignature.slice()
        altered[10] ^= 1

        expect(jsSignature.byteLength).to.equal(2 * CURVES[name].fieldBytes)
        expect(await key.verify(message, jsSignature)).to.be.true()
        expect(await key.verify(Uint8Array.from([...message, 0]), jsSignature)).to.be.false()
        expect(await key.verify(message, altered)).to.be.false()
        expect(await key.verify(message, jsSignature.subarray(1))).to.be.false()
      })

      it('reads the private key as SEC1, writes the same bytes back, and signs what the js public key verifies', async () => {
        const key = privateKeyFromProtobuf(hex(vector.privateKey))
        const jsPublic = publicKeyFromProtobuf(hex(vector.publicKey))
        const sig = await key.sign(message)

        expect(privateKeyToProtobuf(key)).to.equalBytes(hex(vector.privateKey))
        expect(parseECDSAPublicKey(key.publicKey.raw).point).to.equalBytes(parseECDSAPublicKey(jsPublic.raw).point)
        // DER from us, r || s from js: each key object takes both
        expect(signatureFromDER(sig, CURVES[name].fieldBytes)).to.not.be.undefined()
        expect(await jsPublic.verify(message, sig)).to.be.true()
        expect(await key.publicKey.verify(message, jsSignature)).to.be.true()
      })

      it('gives the same key two peer ids: the js encoding\'s and the SubjectPublicKeyInfo one\'s', () => {
        const jsPublic = publicKeyFromProtobuf(hex(vector.publicKey))
        const ours = privateKeyFromProtobuf(hex(vector.privateKey)).publicKey
        const spki = encodeECDSAPublicKey(parseECDSAPublicKey(jsPublic.raw))

        expect(ours.raw).to.equalBytes(spki)
        expect(ours.equals(jsPublic)).to.be.false()
        expect(ours.toString()).to.not.equal(jsPublic.toString())
        expect(ecdsaPublicKeyFromDER(spki).toString()).to.equal(ours.toString())
      })
    })
  }

  it('the P-256 vector\'s key in SubjectPublicKeyInfo form has the spec\'s encoding and peer id', () => {
    const ours = privateKeyFromProtobuf(hex(JS_ECDSA_VECTORS['P-256'].privateKey)).publicKey

    expect(publicKeyToProtobuf(ours)).to.equalBytes(hex(JS_ECDSA_P256_AS_SPKI.publicKey))
    expect(ours.toString()).to.equal(JS_ECDSA_P256_AS_SPKI.peerId)
    expect(publicKeyFromProtobuf(hex(JS_ECDSA_P256_AS_SPKI.publicKey)).toString()).to.equal(JS_ECDSA_P256_AS_SPKI.peerId)
  })

  it('verifies our own signatures in r || s form too, on every curve', async () => {
    for (const bits of [256, 384, 521]) {
      const key = await generateKeyPair('ECDSA', bits)
      const sig = await key.sign(Uint8Array.of(7))
      const rs = signatureFromDER(sig, parseECDSAPublicKey(key.publicKey.raw).curve.fieldBytes)

      expect(rs).to.not.be.undefined()
      expect(await key.publicKey.verify(Uint8Array.of(7), rs ?? new Uint8Array())).to.be.true()
      expect(await key.publicKey.verify(Uint8Array.of(8), rs ?? new Uint8Array())).to.be.false()
    }
  })

  it('still writes SubjectPublicKeyInfo and DER for keys it generates', async () => {
    const key = await generateKeyPair('ECDSA')
    const sig = await key.sign(Uint8Array.of(1))

    expect(key.publicKey.raw.subarray(0, 4)).to.equalBytes(hex('30593013'))
    expect(sig[0]).to.equal(0x30)
  })

  it('refuses malformed js-libp2p shapes with InvalidPublicKeyError', () => {
    const { curve, point } = parseECDSAPublicKey(publicKeyFromProtobuf(hex(JS_ECDSA_VECTORS['P-256'].publicKey)).raw)
    const offCurve = point.slice()
    offCurve[64] ^= 1
    const compressed = Uint8Array.from([0x02, ...point.subarray(1, 33)])
    const missingPoint = encodeSequence(encodeUnsignedInteger(Uint8Array.of(1)), encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, curve.oid)))
    const twoOids = encodeSequence(
      encodeUnsignedInteger(Uint8Array.of(1)),
      encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, curve.oid), encodeElement(TAG_OID, curve.oid)),
      encodeElement(TAG_CONTEXT_1, encodeBitString(point))
    )
    const bad = [
      jsShape(0, curve.oid, point),
      jsShape(2, curve.oid, point),
      jsShape(1, hex('2b8104000a'), point), // secp256k1's OID
      jsShape(1, CURVES['P-384'].oid, point), // a P-256 point under P-384
      jsShape(1, curve.oid, offCurve),
      jsShape(1, curve.oid, compressed),
      jsShape(1, curve.oid, point, encodeUnsignedInteger(Uint8Array.of(0))),
      missingPoint,
      twoOids
    ]

    expect(ecdsaPublicKeyFromDER(jsShape(1, curve.oid, point)).type).to.equal('ECDSA')

    for (const der of bad) {
      expect(() => ecdsaPublicKeyFromDER(der)).to.throw().with.property('name', 'InvalidPublicKeyError')
      expect(() => publicKeyFromRaw(der)).to.throw().with.property('name', 'InvalidPublicKeyError')
    }
  })
})
