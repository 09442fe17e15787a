import { generateKeyPair, privateKeyFromProtobuf, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import { base32 } from 'multiformats/bases/base32'
import { base36 } from 'multiformats/bases/base36'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { isPeerId, peerIdFromCID, peerIdFromMultihash, peerIdFromPrivateKey, peerIdFromPublicKey, peerIdFromString, peerIdSymbol } from '../src/index.js'
import { bootstrapIds, goRsaKey, jsSecp256k1, specExamples, specVectors } from './fixtures/vectors.js'
import type { PeerId } from '../src/index.js'
import type { KeyType } from '@libp2p/interface'

const hex = (s: string): Uint8Array => uint8ArrayFromString(s.toLowerCase(), 'base16')
const toHex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')

function expectSame (a: PeerId, b: PeerId): void {
  expect(a.equals(b)).to.equal(true)
  expect(b.equals(a)).to.equal(true)
  expect(a.toString()).to.equal(b.toString())
  expect(a.type).to.equal(b.type)
}

describe('peer ids from the spec test vectors', () => {
  for (const vector of specVectors) {
    describe(vector.name, () => {
      it('derives the id from the public key in every form', () => {
        const key = publicKeyFromProtobuf(hex(vector.publicKey))
        const id = peerIdFromPublicKey(key)

        expect(id.type).to.equal(vector.type)
        expect(id.publicKey?.equals(key)).to.equal(true)
        expect(toHex(id.toMultihash().bytes)).to.equal(vector.multihash)
        expect(id.toString()).to.equal(vector.base58)
        expect(id.toCID().toString()).to.equal(vector.base32)
        expect(id.toCID().toString(base36)).to.equal(vector.base36)
        expect(id.toCID().code).to.equal(0x72)
        expect(id.toCID().version).to.equal(1)
      })

      it('derives the same id from the private key', () => {
        if (vector.privateKey == null) {
          throw new Error('vector without private key')
        }

        const id = peerIdFromPrivateKey(privateKeyFromProtobuf(hex(vector.privateKey)))
        expect(id.toString()).to.equal(vector.base58)
      })

      it('hashes the key protobuf as the spec says (cross-check with multiformats hashers)', async () => {
        const protobuf = hex(vector.publicKey)
        const expected = protobuf.byteLength <= 42
          ? createDigest(0x00, protobuf)
          : await sha256.digest(protobuf)

        expect(toHex(expected.bytes)).to.equal(vector.multihash)
        expect(base58btc.baseEncode(expected.bytes)).to.equal(vector.base58)
        expect(CID.createV1(0x72, expected).toString(base32)).to.equal(vector.base32)
      })

      it('parses every text form to the same peer', () => {
        const fromBase58 = peerIdFromString(vector.base58)
        const fromBase32 = peerIdFromString(vector.base32)
        const fromBase36 = peerIdFromString(vector.base36)
        const fromCID = peerIdFromCID(CID.parse(vector.base32))

        expectSame(fromBase58, fromBase32)
        expectSame(fromBase58, fromBase36)
        expectSame(fromBase58, fromCID)
        expect(fromBase58.toString()).to.equal(vector.base58)
        expect(fromBase36.toCID().toString()).to.equal(vector.base32)

        if (vector.type === 'Ed25519' || vector.type === 'secp256k1') {
          expect(fromBase58.type).to.equal(vector.type)
          expect(toHex(publicKeyToProtobuf(fromBase58.publicKey as any))).to.equal(vector.publicKey)
        } else {
          // a sha256 id does not say which key type it hashes
          expect(fromBase58.type).to.equal('RSA')
          expect(fromBase58.publicKey).to.equal(undefined)
          expect(fromBase58.equals(peerIdFromPublicKey(publicKeyFromProtobuf(hex(vector.publicKey))))).to.equal(true)
        }
      })
    })
  }
})

describe('peer ids from the spec text', () => {
  it('reads the sha256 example as base58 and as a CID', () => {
    const a = peerIdFromString(specExamples.sha256.base58)
    const b = peerIdFromString(specExamples.sha256.base32)

    expectSame(a, b)
    expect(a.type).to.equal('RSA')
    expect(a.publicKey).to.equal(undefined)
    expect(toHex(a.toMultihash().bytes)).to.equal(specExamples.sha256.multihash)
    expect(a.toCID().toString()).to.equal(specExamples.sha256.base32)
    expect(b.toString()).to.equal(specExamples.sha256.base58)
  })

  it('reads the Ed25519 example and its inline key', () => {
    const id = peerIdFromString(specExamples.ed25519.base58)

    expect(id.type).to.equal('Ed25519')
    expect(toHex(id.publicKey?.raw ?? new Uint8Array())).to.equal(specExamples.ed25519.raw)
    expect(id.publicKey?.toString()).to.equal(specExamples.ed25519.base58)
    expect(id.toCID().toString(base36)).to.equal(specExamples.ed25519.base36)
    expectSame(id, peerIdFromString(specExamples.ed25519.base36))
  })
})

describe('peer ids made by other implementations', () => {
  it('derives the id go-libp2p printed for its RSA key', () => {
    const key = privateKeyFromProtobuf(uint8ArrayFromString(goRsaKey.privateKeyBase64, 'base64pad'))
    const id = peerIdFromPrivateKey(key)

    expect(id.type).to.equal('RSA')
    expect(id.toString()).to.equal(goRsaKey.id)
    expect(id.publicKey?.equals(key.publicKey)).to.equal(true)
    expect(id.equals(goRsaKey.id)).to.equal(true)
  })

  it('reads a secp256k1 id from js-libp2p', () => {
    const id = peerIdFromMultihash(createDigest(0x00, hex(jsSecp256k1.multihash).subarray(2)))

    expect(id.type).to.equal('secp256k1')
    expect(id.toString()).to.equal(jsSecp256k1.base58)
    expect(id.toCID().toString()).to.equal(jsSecp256k1.base32)
    expect(id.publicKey?.raw.byteLength).to.equal(33)
    expectSame(id, peerIdFromString(jsSecp256k1.base58))
  })

  for (const str of bootstrapIds) {
    it(`reads the bootstrap peer ${str}`, () => {
      const id = peerIdFromString(str)

      expect(id.type).to.equal('RSA')
      expect(id.publicKey).to.equal(undefined)
      expect(id.toMultihash().code).to.equal(0x12)
      expect(id.toString()).to.equal(str)
      expectSame(id, peerIdFromString(id.toCID().toString()))
    })
  }
})

describe('peer ids from generated keys', () => {
  const types: Array<[KeyType, 'identity' | 'sha256']> = [
    ['Ed25519', 'identity'], ['secp256k1', 'identity'], ['ECDSA', 'sha256'], ['RSA', 'sha256']
  ]

  for (const [type, hash] of types) {
    it(`${type} ids round trip through strings, CIDs and multihashes`, async () => {
      const key = await generateKeyPair(type)
      const id = peerIdFromPrivateKey(key)

      expect(id.type).to.equal(type)
      expect(id.publicKey?.equals(key.publicKey as any)).to.equal(true)
      expect(id.toMultihash().code).to.equal(hash === 'identity' ? 0x00 : 0x12)
      expect(id.toString()).to.equal(key.publicKey.toString())
      expect(id.toCID().equals(key.publicKey.toCID())).to.equal(true)

      for (const other of [
        peerIdFromString(id.toString()),
        peerIdFromString(id.toCID().toString()),
        peerIdFromString(id.toCID().toString(base36)),
        peerIdFromCID(id.toCID()),
        peerIdFromMultihash(id.toMultihash())
      ]) {
        expect(other.equals(id)).to.equal(true)
        expect(other.toString()).to.equal(id.toString())
        if (hash === 'identity') {
          expect(other.type).to.equal(type)
          expect(other.publicKey?.equals(key.publicKey as any)).to.equal(true)
        } else {
          expect(other.type).to.equal('RSA')
        }
      }
    })
  }
})

describe('PeerId', () => {
  let a: PeerId
  let b: PeerId

  before(async () => {
    a = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    b = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  })

  it('equals a PeerId, multihash bytes or any string form of the same peer', () => {
    expect(a.equals(a)).to.equal(true)
    expect(a.equals(peerIdFromString(a.toString()))).to.equal(true)
    expect(a.equals(a.toMultihash().bytes)).to.equal(true)
    expect(a.equals(Uint8Array.from(a.toMultihash().bytes))).to.equal(true)
    expect(a.equals(a.toString())).to.equal(true)
    expect(a.equals(a.toCID().toString())).to.equal(true)
    expect(a.equals(a.toCID().toString(base36))).to.equal(true)
  })

  it('does not equal another peer, nothing, or garbage', () => {
    expect(a.equals(b)).to.equal(false)
    expect(a.equals(b.toMultihash().bytes)).to.equal(false)
    expect(a.equals(b.toString())).to.equal(false)
    expect(a.equals(undefined)).to.equal(false)
    expect(a.equals(null as any)).to.equal(false)
    expect(a.equals('')).to.equal(false)
    expect(a.equals('not a peer id')).to.equal(false)
    expect(a.equals(new Uint8Array(0))).to.equal(false)
    expect(a.equals({} as any)).to.equal(false)
  })

  it('gives the same string every time', () => {
    const first = a.toString()
    expect(a.toString()).to.equal(first)
    expect(first.startsWith('12D3KooW')).to.equal(true)
    expect(a.toCID()).to.equal(a.toCID())
  })

  it('is branded, and isPeerId recognises only peer ids', () => {
    expect(isPeerId(a)).to.equal(true)
    expect((a as any)[peerIdSymbol]).to.equal(true)
    expect(peerIdSymbol).to.equal(Symbol.for('@libp2p/peer-id'))

    for (const other of [undefined, null, 0, '', a.toString(), a.toCID(), a.toMultihash(), {}, { [peerIdSymbol]: 'yes' }]) {
      expect(isPeerId(other)).to.equal(false)
    }
  })

  it('reads well in logs and JSON', () => {
    expect(Object.prototype.toString.call(a)).to.equal(`[object PeerId(${a.toString()})]`)
    expect(JSON.stringify({ id: a })).to.equal(`{"id":"${a.toString()}"}`)
    expect(`${a.toString()}`).to.equal(String(a))
  })

  it('does not change when the bytes it was parsed from change', () => {
    const bytes = Uint8Array.from(a.toMultihash().bytes)
    const id = peerIdFromMultihash(createDigest(bytes[0], bytes.subarray(2)))
    bytes.fill(0)
    expect(id.equals(a)).to.equal(true)
  })

  it('accepts a multibase decoder, and only that multibase', () => {
    const cid32 = a.toCID().toString(base32)
    const cid36 = a.toCID().toString(base36)

    expect(peerIdFromString(cid32, base32).equals(a)).to.equal(true)
    expect(peerIdFromString(cid36, base36).equals(a)).to.equal(true)
    expect(() => peerIdFromString(cid36, base32)).to.throw().with.property('name', 'InvalidPeerIdError')
  })

  it('reads a multibase-prefixed bare multihash (as js-libp2p writes with a decoder)', () => {
    expect(peerIdFromString(base58btc.encode(a.toMultihash().bytes)).equals(a)).to.equal(true)
    expect(peerIdFromString(base58btc.encode(a.toMultihash().bytes), base58btc).equals(a)).to.equal(true)
  })
})
