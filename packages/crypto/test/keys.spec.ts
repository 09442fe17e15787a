import { expect } from 'aegir/chai'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { Uint8ArrayList } from 'uint8arraylist'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { sha256 } from '../src/index.js'
import { privateKeyFromProtobuf, privateKeyFromRaw, privateKeyToProtobuf, publicKeyFromProtobuf, publicKeyFromRaw, publicKeyToProtobuf } from '../src/keys/index.js'
import { KEY_TYPES, otherTestKey, testKey } from './fixtures/keys.js'
import type { KeyType, PrivateKey } from '@libp2p/interface'

const MESSAGE = uint8ArrayFromString('the quick brown fox jumps over the lazy dog')

const EXPECTED_MULTIHASH: Record<KeyType, number> = { Ed25519: 0x00, secp256k1: 0x00, RSA: 0x12, ECDSA: 0x12 }

for (const type of KEY_TYPES) {
  describe(`${type} keys`, () => {
    let key: PrivateKey
    let other: PrivateKey

    before(async () => {
      key = await testKey(type)
      other = await otherTestKey(type)
    })

    it('signs and verifies', async () => {
      const sig = await key.sign(MESSAGE)
      expect(await key.publicKey.verify(MESSAGE, sig)).to.be.true()
    })

    it('signs chunked data (Uint8ArrayList, arrays of chunks) as the concatenation', async () => {
      const list = new Uint8ArrayList(MESSAGE.subarray(0, 5), MESSAGE.subarray(5, 20), MESSAGE.subarray(20))
      const sig = await key.sign(list)
      expect(await key.publicKey.verify(MESSAGE, sig)).to.be.true()
      expect(await key.publicKey.verify([MESSAGE.subarray(0, 1), MESSAGE.subarray(1)], sig)).to.be.true()
    })

    it('rejects tampered data and tampered, truncated or empty signatures without throwing', async () => {
      const sig = await key.sign(MESSAGE)
      const tamperedData = MESSAGE.slice()
      tamperedData[0] ^= 1
      const tamperedSig = sig.slice()
      tamperedSig[sig.byteLength - 1] ^= 1

      expect(await key.publicKey.verify(tamperedData, sig)).to.be.false()
      expect(await key.publicKey.verify(MESSAGE, tamperedSig)).to.be.false()
      expect(await key.publicKey.verify(MESSAGE, sig.subarray(0, sig.byteLength - 1))).to.be.false()
      expect(await key.publicKey.verify(MESSAGE, new Uint8Array(0))).to.be.false()
      expect(await key.publicKey.verify(MESSAGE, new Uint8Array(sig.byteLength))).to.be.false()
    })

    it('rejects a signature made by another key', async () => {
      expect(await key.publicKey.verify(MESSAGE, await other.sign(MESSAGE))).to.be.false()
    })

    it('round-trips through the key protobuf', async () => {
      const priv = privateKeyFromProtobuf(privateKeyToProtobuf(key))
      const pub = publicKeyFromProtobuf(publicKeyToProtobuf(key.publicKey))

      expect(priv.type).to.equal(type)
      expect(priv.equals(key)).to.be.true()
      expect(priv.publicKey.equals(key.publicKey)).to.be.true()
      expect(pub.equals(key.publicKey)).to.be.true()
      expect(await pub.verify(MESSAGE, await priv.sign(MESSAGE))).to.be.true()
    })

    it('round-trips through the raw encodings, with and without the type', () => {
      expect(privateKeyFromRaw(key.raw).equals(key)).to.be.true()
      expect(privateKeyFromRaw(key.raw, type).equals(key)).to.be.true()
      expect(publicKeyFromRaw(key.publicKey.raw).equals(key.publicKey)).to.be.true()
      expect(publicKeyFromRaw(key.publicKey.raw, type).equals(key.publicKey)).to.be.true()
    })

    it('keeps its own copy of the bytes it was decoded from', async () => {
      const privBytes = privateKeyToProtobuf(key)
      const pubBytes = publicKeyToProtobuf(key.publicKey)
      const priv = privateKeyFromProtobuf(privBytes)
      const pub = publicKeyFromProtobuf(pubBytes)
      privBytes.fill(0)
      pubBytes.fill(0)

      expect(priv.equals(key)).to.be.true()
      expect(pub.equals(key.publicKey)).to.be.true()
      expect(await pub.verify(MESSAGE, await priv.sign(MESSAGE))).to.be.true()
    })

    it('compares by type and bytes', () => {
      expect(key.equals(key)).to.be.true()
      expect(key.equals(undefined)).to.be.false()
      expect(key.publicKey.equals(undefined)).to.be.false()
      expect(key.publicKey.equals(key.publicKey)).to.be.true()
    })

    it('derives the peer id multihash, CID and string from the protobuf', () => {
      const pb = publicKeyToProtobuf(key.publicKey)
      const mh = key.publicKey.toMultihash()

      expect(mh.code).to.equal(EXPECTED_MULTIHASH[type])
      expect(uint8ArrayEquals(mh.digest, mh.code === 0 ? pb : sha256(pb))).to.be.true()
      expect(key.publicKey.toString()).to.equal(base58btc.encode(mh.bytes).slice(1))

      const cid = key.publicKey.toCID()
      expect(cid.version).to.equal(1)
      expect(cid.code).to.equal(0x72)
      expect(uint8ArrayEquals(cid.multihash.bytes, mh.bytes)).to.be.true()
      expect(CID.parse(cid.toString()).equals(cid)).to.be.true()
    })

    it('refuses to sign or verify with an aborted signal', async () => {
      const controller = new AbortController()
      controller.abort()
      const sig = await key.sign(MESSAGE)

      expect(() => key.sign(MESSAGE, { signal: controller.signal })).to.throw().with.property('name', 'AbortError')
      expect(() => key.publicKey.verify(MESSAGE, sig, { signal: controller.signal })).to.throw().with.property('name', 'AbortError')
    })
  })
}
