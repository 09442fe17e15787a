import { expect } from 'aegir/chai'
import { CURVES } from '../src/keys/ecdsa/curves.js'
import { encodeECDSAPublicKey, parseECDSAPrivateKey, signatureFromDER } from '../src/keys/ecdsa/der.js'
import { ecdsaPrivateKeyFromDER, ecdsaPublicKeyFromDER, generateKeyPair, privateKeyFromProtobuf, privateKeyFromRaw, publicKeyFromRaw } from '../src/keys/index.js'
import { encodeElement, encodeSequence, encodeUnsignedInteger, TAG_CONTEXT_0, TAG_OCTET_STRING, TAG_OID } from '../src/util/der.js'
import { hex } from './fixtures/keys.js'
import { SPEC_VECTORS } from './fixtures/vectors.js'

const MESSAGE = Uint8Array.from([1, 2, 3])

describe('ECDSA', () => {
  for (const [bits, name] of [[256, 'P-256'], [384, 'P-384'], [521, 'P-521']] as const) {
    it(`generates, signs and verifies on ${name}`, async () => {
      const key = await generateKeyPair('ECDSA', bits)
      const sig = await key.sign(MESSAGE)
      const pub = publicKeyFromRaw(key.publicKey.raw)

      expect(parseECDSAPrivateKey(key.raw).curve.name).to.equal(name)
      expect(signatureFromDER(sig, CURVES[name].fieldBytes)).to.have.property('byteLength', 2 * CURVES[name].fieldBytes)
      expect(await pub.verify(MESSAGE, sig)).to.be.true()
      expect(privateKeyFromRaw(key.raw).equals(key)).to.be.true()
    })
  }

  it('defaults to P-256 and refuses other sizes', async () => {
    const key = await generateKeyPair('ECDSA')

    expect(parseECDSAPrivateKey(key.raw).curve.name).to.equal('P-256')
    await expect(generateKeyPair('ECDSA', 255)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('derives the public key of a SEC1 key that does not carry it', () => {
    const full = privateKeyFromProtobuf(hex(SPEC_VECTORS.ECDSA.privateKey))
    const { d } = parseECDSAPrivateKey(full.raw)
    const bare = encodeSequence(
      encodeUnsignedInteger(Uint8Array.of(1)),
      encodeElement(TAG_OCTET_STRING, d),
      encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, CURVES['P-256'].oid))
    )

    expect(ecdsaPrivateKeyFromDER(bare).publicKey.equals(full.publicKey)).to.be.true()
  })

  it('refuses a SEC1 key carrying a public key that is not its own', async () => {
    const other = await generateKeyPair('ECDSA')
    const { d } = parseECDSAPrivateKey(privateKeyFromProtobuf(hex(SPEC_VECTORS.ECDSA.privateKey)).raw)
    const mixed = encodeSequence(
      encodeUnsignedInteger(Uint8Array.of(1)),
      encodeElement(TAG_OCTET_STRING, d),
      encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, CURVES['P-256'].oid)),
      encodeElement(0xa1, encodeElement(0x03, Uint8Array.of(0), parseECDSAPrivateKey(other.raw).point ?? new Uint8Array()))
    )

    expect(() => ecdsaPrivateKeyFromDER(mixed)).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })

  it('refuses scalars of 0 or >= n', () => {
    for (const d of [new Uint8Array(32), new Uint8Array(32).fill(0xff)]) {
      const sec1 = encodeSequence(
        encodeUnsignedInteger(Uint8Array.of(1)),
        encodeElement(TAG_OCTET_STRING, d),
        encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, CURVES['P-256'].oid))
      )

      expect(() => ecdsaPrivateKeyFromDER(sec1)).to.throw().with.property('name', 'InvalidPrivateKeyError')
    }
  })

  it('refuses points off the curve, compressed points and unknown curves', () => {
    const point = new Uint8Array(65)
    point[0] = 0x04
    point[64] = 1
    const compressed = hex(`02${'11'.repeat(32)}`)
    // secp256k1's OID 1.3.132.0.10 instead of P-256's
    const foreignSpki = encodeSequence(encodeSequence(encodeElement(TAG_OID, hex('2a8648ce3d0201')), encodeElement(TAG_OID, hex('2b8104000a'))), encodeElement(0x03, Uint8Array.of(0), point))

    expect(() => ecdsaPublicKeyFromDER(encodeECDSAPublicKey({ curve: CURVES['P-256'], point }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => ecdsaPublicKeyFromDER(encodeECDSAPublicKey({ curve: CURVES['P-256'], point: compressed }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => ecdsaPublicKeyFromDER(foreignSpki)).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('returns false for malformed DER signatures', async () => {
    const key = privateKeyFromProtobuf(hex(SPEC_VECTORS.ECDSA.privateKey))
    const sig = await key.sign(MESSAGE)
    const tooLong = encodeSequence(encodeUnsignedInteger(new Uint8Array(33).fill(1)), encodeUnsignedInteger(Uint8Array.of(1)))

    expect(await key.publicKey.verify(MESSAGE, sig)).to.be.true()
    expect(await key.publicKey.verify(MESSAGE, Uint8Array.from([...sig, 0]))).to.be.false()
    expect(await key.publicKey.verify(MESSAGE, sig.subarray(0, 10))).to.be.false()
    expect(await key.publicKey.verify(MESSAGE, tooLong)).to.be.false()
    expect(await key.publicKey.verify(MESSAGE, hex('3000'))).to.be.false()
  })
})
