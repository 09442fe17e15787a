import { expect } from 'aegir/chai'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { decode as decodeDigest } from 'multiformats/hashes/digest'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyFromMultihash, publicKeyFromProtobuf, publicKeyToProtobuf } from '../src/keys/index.js'
import { hex } from './fixtures/keys.js'
import { SPEC_PEER_IDS, SPEC_VECTORS } from './fixtures/vectors.js'

const MESSAGE = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7])

describe('peer-ids spec test vectors', () => {
  for (const [type, vector] of Object.entries(SPEC_VECTORS)) {
    describe(type, () => {
      it('decodes the private key, derives the given public key and re-encodes both byte for byte', () => {
        const key = privateKeyFromProtobuf(hex(vector.privateKey))

        expect(key.type).to.equal(type)
        expect(uint8ArrayToString(publicKeyToProtobuf(key.publicKey), 'base16')).to.equal(vector.publicKey)
        expect(uint8ArrayToString(privateKeyToProtobuf(key), 'base16')).to.equal(vector.privateKey)
      })

      it('decodes the public key, which verifies the private key\'s signatures', async () => {
        const key = privateKeyFromProtobuf(hex(vector.privateKey))
        const pub = publicKeyFromProtobuf(hex(vector.publicKey))

        expect(pub.type).to.equal(type)
        expect(pub.equals(key.publicKey)).to.be.true()
        expect(uint8ArrayToString(publicKeyToProtobuf(pub), 'base16')).to.equal(vector.publicKey)
        expect(await pub.verify(MESSAGE, await key.sign(MESSAGE))).to.be.true()
      })
    })
  }

  it('inlines Ed25519 and secp256k1 keys in identity multihashes and hashes RSA and ECDSA keys', () => {
    expect(publicKeyFromProtobuf(hex(SPEC_VECTORS.Ed25519.publicKey)).toString()).to.match(/^12D3KooW/)
    expect(publicKeyFromProtobuf(hex(SPEC_VECTORS.secp256k1.publicKey)).toString()).to.match(/^16Uiu2/)
    expect(publicKeyFromProtobuf(hex(SPEC_VECTORS.RSA.publicKey)).toString()).to.match(/^Qm/)
    expect(publicKeyFromProtobuf(hex(SPEC_VECTORS.ECDSA.publicKey)).toString()).to.match(/^Qm/)
  })
})

describe('peer-ids spec peer id examples', () => {
  it('maps the Ed25519 example peer id to its key and back', () => {
    const mh = decodeDigest(base58btc.decode(`z${SPEC_PEER_IDS.ed25519}`))
    const key = publicKeyFromMultihash(mh)

    expect(key.type).to.equal('Ed25519')
    expect(key.toString()).to.equal(SPEC_PEER_IDS.ed25519)
    expect(key.toMultihash().bytes).to.equalBytes(mh.bytes)
    expect(key.toCID().toString()).to.equal(CID.createV1(0x72, mh).toString())
    expect(publicKeyFromProtobuf(publicKeyToProtobuf(key)).toString()).to.equal(SPEC_PEER_IDS.ed25519)
  })

  it('refuses to take a key out of a sha256 peer id', () => {
    const mh = decodeDigest(base58btc.decode(`z${SPEC_PEER_IDS.sha256}`))

    expect(() => publicKeyFromMultihash(mh)).to.throw().with.property('name', 'InvalidParametersError')
    // the spec's two forms of this peer id name the same multihash
    expect(CID.parse(SPEC_PEER_IDS.sha256CID).multihash.bytes).to.equalBytes(mh.bytes)
  })
})
