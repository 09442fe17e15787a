import { expect } from 'aegir/chai'
import { generateKeyPair } from '../src/keys/index.js'
import { rsaFixtureKey } from './fixtures/keys.js'

describe('browser implementations (package.json "browser" map)', () => {
  it('sign and verify Ed25519 (@noble) and secp256k1 (bigint) synchronously', async () => {
    for (const key of [await generateKeyPair('Ed25519'), await generateKeyPair('secp256k1')]) {
      const sig = key.sign(Uint8Array.of(1))

      expect(sig, key.type).to.be.an.instanceOf(Uint8Array)
      expect(key.publicKey.verify(Uint8Array.of(1), sig as Uint8Array), key.type).to.equal(true)
    }
  })

  it('sign and verify ECDSA and RSA asynchronously (WebCrypto)', async () => {
    for (const key of [await generateKeyPair('ECDSA'), rsaFixtureKey()]) {
      const sig = key.sign(Uint8Array.of(1))

      expect(sig, key.type).to.be.an.instanceOf(Promise)
      const verified = key.publicKey.verify(Uint8Array.of(1), await sig)
      expect(verified, key.type).to.be.an.instanceOf(Promise)
      expect(await verified, key.type).to.equal(true)
    }
  })
})
