import { expect } from 'aegir/chai'
import { generateKeyPair } from '../src/keys/index.js'
import { rsaFixtureKey } from './fixtures/keys.js'

describe('node implementations (node:crypto)', () => {
  it('sign and verify synchronously for every key type', async () => {
    for (const key of [await generateKeyPair('Ed25519'), await generateKeyPair('secp256k1'), await generateKeyPair('ECDSA'), rsaFixtureKey()]) {
      const sig = key.sign(Uint8Array.of(1))

      expect(sig, key.type).to.be.an.instanceOf(Uint8Array)
      expect(key.publicKey.verify(Uint8Array.of(1), sig as Uint8Array), key.type).to.equal(true)
    }
  })
})
