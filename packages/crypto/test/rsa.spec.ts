import { expect } from 'aegir/chai'
import { generateKeyPair, privateKeyFromProtobuf, rsaPrivateKeyFromDER, rsaPublicKeyFromDER } from '../src/keys/index.js'
import { encodeRSAPrivateKey, encodeRSAPublicKey, parseRSAPrivateKey } from '../src/keys/rsa/der.js'
import { hex, rsaFixtureKey } from './fixtures/keys.js'
import { SPEC_VECTORS } from './fixtures/vectors.js'

const MESSAGE = Uint8Array.from([1, 2, 3])

/** an odd modulus of the given size (not a real key, but well-formed) */
function modulus (bits: number): Uint8Array {
  const n = new Uint8Array(Math.ceil(bits / 8)).fill(0xff)
  n[0] = 0xff >> (n.byteLength * 8 - bits)

  return n
}

describe('RSA', () => {
  it('generates a 2048-bit key by default', async function () {
    this.timeout(60_000)
    const key = await generateKeyPair('RSA')
    const sig = await key.sign(MESSAGE)

    expect(sig.byteLength).to.equal(256)
    expect(await key.publicKey.verify(MESSAGE, sig)).to.be.true()
    expect(rsaPrivateKeyFromDER(key.raw).equals(key)).to.be.true()
  })

  it('signs deterministically (PKCS#1 v1.5) with the spec\'s 4096-bit key', async () => {
    const key = privateKeyFromProtobuf(hex(SPEC_VECTORS.RSA.privateKey))
    const sig = await key.sign(MESSAGE)

    expect(sig.byteLength).to.equal(512)
    expect(await key.sign(MESSAGE)).to.equalBytes(sig)
    expect(await key.publicKey.verify(MESSAGE, sig)).to.be.true()
  })

  it('refuses moduli over 8192 bits (bounds the cost of a verify) and under 2048 bits', () => {
    const e = Uint8Array.of(1, 0, 1)

    expect(rsaPublicKeyFromDER(encodeRSAPublicKey({ n: modulus(8192), e })).type).to.equal('RSA')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n: modulus(8193), e }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n: modulus(16384), e }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n: modulus(1024), e }))).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('refuses even moduli and bad exponents', () => {
    const n = modulus(2048)
    const even = n.slice()
    even[even.byteLength - 1] = 0xfe

    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n: even, e: Uint8Array.of(3) }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n, e: Uint8Array.of(1) }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n, e: Uint8Array.of(1, 0) }))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => rsaPublicKeyFromDER(encodeRSAPublicKey({ n, e: Uint8Array.of(1, 0, 0, 0, 1) }))).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('refuses private keys whose numbers do not belong together', () => {
    const parts = parseRSAPrivateKey(rsaFixtureKey().raw)
    const dp = parts.dp.slice()
    dp[dp.byteLength - 1] ^= 2
    const q = parts.q.slice()
    q[q.byteLength - 1] ^= 2

    expect(rsaPrivateKeyFromDER(encodeRSAPrivateKey(parts)).equals(rsaFixtureKey())).to.be.true()
    expect(() => rsaPrivateKeyFromDER(encodeRSAPrivateKey({ ...parts, dp }))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => rsaPrivateKeyFromDER(encodeRSAPrivateKey({ ...parts, q }))).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })

  it('refuses to generate keys outside 2048..8192 bits', async () => {
    await expect(generateKeyPair('RSA', 1024)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(generateKeyPair('RSA', 16384)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('returns false for signatures of the wrong length', async () => {
    const key = rsaFixtureKey()
    const sig = await key.sign(MESSAGE)

    expect(await key.publicKey.verify(MESSAGE, Uint8Array.from([0, ...sig]))).to.be.false()
    expect(await key.publicKey.verify(MESSAGE, sig.subarray(1))).to.be.false()
  })
})
