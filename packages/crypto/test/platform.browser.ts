import { expect } from 'aegir/chai'
import { generateKeyPair, generateKeyPairFromSeed, privateKeyFromRaw } from '../src/keys/index.js'
import { hex, rsaFixtureKey } from './fixtures/keys.js'
import { RFC8032_VECTORS } from './fixtures/vectors.js'

describe('browser implementations (package.json "browser" map)', () => {
  it('sign and verify secp256k1 (bigint) synchronously', async () => {
    for (const key of [await generateKeyPair('secp256k1')]) {
      const sig = key.sign(Uint8Array.of(1))

      expect(sig, key.type).to.be.an.instanceOf(Uint8Array)
      expect(key.publicKey.verify(Uint8Array.of(1), sig as Uint8Array), key.type).to.equal(true)
    }
  })

  it('sign and verify Ed25519, ECDSA and RSA asynchronously (WebCrypto)', async () => {
    for (const key of [await generateKeyPair('Ed25519'), await generateKeyPair('ECDSA'), rsaFixtureKey()]) {
      const sig = key.sign(Uint8Array.of(1))

      expect(sig, key.type).to.be.an.instanceOf(Promise)
      const verified = key.publicKey.verify(Uint8Array.of(1), await sig)
      expect(verified, key.type).to.be.an.instanceOf(Promise)
      expect(await verified, key.type).to.equal(true)
    }
  })
})

describe('Ed25519 without WebCrypto Ed25519 (older browsers): bigint.ts', () => {
  const importKey = crypto.subtle.importKey

  beforeEach(() => {
    // what Chromium before 137, Firefox before 129 and Safari before 17 answer
    crypto.subtle.importKey = async function (format: any, keyData: any, algorithm: any, ...rest: any[]): Promise<CryptoKey> {
      if ((algorithm as Algorithm)?.name === 'Ed25519') {
        throw new DOMException('Unrecognized name', 'NotSupportedError')
      }
      return (importKey as any).call(crypto.subtle, format, keyData, algorithm, ...rest)
    } as any
  })

  afterEach(() => {
    crypto.subtle.importKey = importKey
  })

  it('derives, signs and verifies the RFC 8032 vectors', async () => {
    for (const vector of RFC8032_VECTORS) {
      const key = await generateKeyPairFromSeed('Ed25519', hex(vector.seed))

      expect(key.publicKey.raw).to.equalBytes(hex(vector.publicKey))
      expect(await key.sign(hex(vector.message))).to.equalBytes(hex(vector.signature))
      expect(await key.publicKey.verify(hex(vector.message), hex(vector.signature))).to.equal(true)
      expect(await key.publicKey.verify(Uint8Array.of(...hex(vector.message), 0), hex(vector.signature))).to.equal(false)
    }
  })

  it('derives and signs with bigint when WebCrypto fails otherwise', async () => {
    crypto.subtle.importKey = async function (format: any, keyData: any, algorithm: any, ...rest: any[]): Promise<CryptoKey> {
      if ((algorithm as Algorithm)?.name === 'Ed25519') {
        throw new DOMException('refused', 'OperationError')
      }
      return (importKey as any).call(crypto.subtle, format, keyData, algorithm, ...rest)
    } as any

    const vector = RFC8032_VECTORS[1]
    const key = await generateKeyPairFromSeed('Ed25519', hex(vector.seed))

    expect(key.publicKey.raw).to.equalBytes(hex(vector.publicKey))
    expect(await key.sign(hex(vector.message))).to.equalBytes(hex(vector.signature))
  })

  it('generates key pairs that verify their own signatures', async () => {
    const key = await generateKeyPair('Ed25519')
    const sig = await key.sign(Uint8Array.of(1, 2, 3))

    expect(await key.publicKey.verify(Uint8Array.of(1, 2, 3), sig)).to.equal(true)
    expect(privateKeyFromRaw(key.raw).publicKey.raw).to.equalBytes(key.publicKey.raw)
  })
})
