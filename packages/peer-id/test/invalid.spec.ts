import { generateKeyPair } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { peerIdFromCID, peerIdFromMultihash, peerIdFromPrivateKey, peerIdFromPublicKey, peerIdFromString } from '../src/index.js'
import { specExamples, specVectors } from './fixtures/vectors.js'
import type { PeerId } from '../src/index.js'
import type { MultihashDigest } from 'multiformats/hashes/interface'

const hex = (s: string): Uint8Array => uint8ArrayFromString(s, 'base16')
const TYPED = ['InvalidPeerIdError', 'InvalidParametersError']

/** runs fn; a thrown error must be one of the typed ones */
function typedOrValue (fn: () => PeerId): PeerId | undefined {
  try {
    return fn()
  } catch (err: any) {
    if (!TYPED.includes(err?.name)) {
      throw new Error(`threw ${err?.name}: ${err?.message}`)
    }
  }
}

/** a multihash object whose bytes are exactly the given ones, even when they are not a valid multihash */
function rawMultihash (input: Uint8Array): MultihashDigest<number> {
  const bytes = Uint8Array.from(input)
  return { code: bytes[0] ?? 0, size: bytes[1] ?? 0, digest: bytes.subarray(2), bytes }
}

function cidString (multihash: Uint8Array, codec = 0x72): string {
  return base32.encode(Uint8Array.from([0x01, codec, ...multihash]))
}

const ed25519Multihash = hex(specVectors[0].multihash)
const sha256Multihash = hex(specExamples.sha256.multihash)

describe('invalid peer id strings', () => {
  const invalid: Array<[string, string]> = [
    ['empty', ''],
    ['not base58 (0, O, I, l)', 'Qm0OIl1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'],
    ['a base58 multihash cut short', specExamples.sha256.base58.slice(0, -3)],
    ['a base58 multihash with extra bytes', specExamples.sha256.base58 + '1'],
    ['an Ed25519 id cut short', specExamples.ed25519.base58.slice(0, -2)],
    ['a sha2-512 multihash', base58btc.encode(Uint8Array.from([0x13, 0x40, ...new Uint8Array(64)]))],
    ['a CID with the raw codec', cidString(sha256Multihash, 0x55)],
    ['a CID with the dag-pb codec', cidString(sha256Multihash, 0x70)],
    ['a CID cut short', specExamples.sha256.base32.slice(0, -4)],
    ['an unknown multibase prefix', 'x1234'],
    ['a string that is far too long', 'Qm' + 'a'.repeat(10_000)],
    ['a CID with an identity digest that is no key', cidString(Uint8Array.from([0x00, 0x04, 1, 2, 3, 4]))],
    ['whitespace around an id', ` ${specExamples.ed25519.base58} `]
  ]

  for (const [name, str] of invalid) {
    it(`rejects ${name}`, () => {
      expect(() => peerIdFromString(str)).to.throw().with.property('name', 'InvalidPeerIdError')
    })
  }

  it('rejects an argument that is not a string', () => {
    for (const value of [undefined, null, 42, {}, new Uint8Array(38)]) {
      expect(() => peerIdFromString(value as any)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})

describe('invalid multihashes', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['only a code', Uint8Array.from([0x12])],
    ['a sha2-256 digest of 31 bytes', Uint8Array.from([0x12, 0x1f, ...new Uint8Array(31)])],
    ['a sha2-256 digest shorter than it says', sha256Multihash.subarray(0, 20)],
    ['trailing bytes', Uint8Array.from([...sha256Multihash, 0])],
    ['a non-minimal varint code', Uint8Array.from([0x92, 0x00, 0x20, ...new Uint8Array(32)])],
    ['an unknown code', Uint8Array.from([0x11, 0x14, ...new Uint8Array(20)])],
    ['an identity digest that is not a key', Uint8Array.from([0x00, 0x05, 1, 2, 3, 4, 5])],
    ['an identity digest over 42 bytes', Uint8Array.from([0x00, 43, ...new Uint8Array(43)])],
    ['an identity Ed25519 key cut short', Uint8Array.from([0x00, 0x23, ...ed25519Multihash.subarray(2, 37)])],
    ['an identity key with an unknown key type', Uint8Array.from([0x00, 0x24, 0x08, 0x09, ...ed25519Multihash.subarray(4)])],
    ['an identity key with a 31 byte Ed25519 key', Uint8Array.from([0x00, 0x23, 0x08, 0x01, 0x12, 0x1f, ...new Uint8Array(31).fill(1)])],
    // the same Ed25519 key with its protobuf fields swapped: decodable, but not the canonical encoding
    ['a non-canonical key protobuf', Uint8Array.from([0x00, 0x24, ...ed25519Multihash.subarray(4, 38), 0x08, 0x01])]
  ]

  for (const [name, bytes] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => peerIdFromMultihash(rawMultihash(bytes))).to.throw().with.property('name', 'InvalidPeerIdError')
      expect(() => peerIdFromString(base58btc.encode(bytes))).to.throw().with.property('name', 'InvalidPeerIdError')
      expect(() => peerIdFromString(cidString(bytes))).to.throw().with.property('name', 'InvalidPeerIdError')
    })
  }

  it('rejects a multihash whose code or digest disagree with its bytes', () => {
    const good = createDigest(0x12, sha256Multihash.subarray(2))

    expect(() => peerIdFromMultihash({ ...good, code: 0x00 })).to.throw().with.property('name', 'InvalidPeerIdError')
    expect(() => peerIdFromMultihash({ ...good, digest: new Uint8Array(32) })).to.throw().with.property('name', 'InvalidPeerIdError')
  })

  it('rejects arguments that are not multihashes', () => {
    for (const value of [undefined, null, 'Qm', {}, { bytes: 'x' }, sha256Multihash]) {
      expect(() => peerIdFromMultihash(value as any)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})

describe('invalid CIDs', () => {
  it('rejects a CID with another codec', () => {
    const digest = createDigest(0x12, sha256Multihash.subarray(2))

    expect(() => peerIdFromCID(CID.createV1(0x55, digest))).to.throw().with.property('name', 'InvalidPeerIdError')
    expect(() => peerIdFromCID(CID.createV1(0x71, digest))).to.throw().with.property('name', 'InvalidPeerIdError')
  })

  it('rejects a CIDv0', () => {
    expect(() => peerIdFromCID(CID.parse(specExamples.sha256.base58))).to.throw().with.property('name', 'InvalidPeerIdError')
  })

  it('rejects a libp2p-key CID with a hash that is not a peer id', () => {
    const digest = createDigest(0x13, new Uint8Array(64))

    expect(() => peerIdFromCID(CID.createV1(0x72, digest))).to.throw().with.property('name', 'InvalidPeerIdError')
  })

  it('rejects arguments that are not CIDs', () => {
    for (const value of [undefined, null, specExamples.sha256.base32, {}, sha256Multihash]) {
      expect(() => peerIdFromCID(value as any)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})

describe('invalid keys', () => {
  it('rejects things that are not keys', () => {
    for (const value of [undefined, null, {}, 'key', new Uint8Array(32)]) {
      expect(() => peerIdFromPublicKey(value as any)).to.throw().with.property('name', 'InvalidParametersError')
      expect(() => peerIdFromPrivateKey(value as any)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})

describe('fuzzing the parsers', () => {
  const base58Alphabet = fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'.split(''))

  /** a parse that succeeds must give an id that round trips */
  function check (id: PeerId | undefined): void {
    if (id != null) {
      expect(peerIdFromString(id.toString()).equals(id)).to.equal(true)
      expect(peerIdFromString(id.toCID().toString()).equals(id)).to.equal(true)
    }
  }

  it('random strings give a peer id or a typed error', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (str) => {
      check(typedOrValue(() => peerIdFromString(str)))
    }), { numRuns: 2000 })
  })

  it('random base58 strings starting like peer ids give a peer id or a typed error', () => {
    fc.assert(fc.property(fc.constantFrom('1', 'Qm', '12D3KooW', '16Uiu2HA', 'z', 'k51', 'bafz'), fc.string({ unit: base58Alphabet, maxLength: 60 }), (prefix, rest) => {
      check(typedOrValue(() => peerIdFromString(prefix + rest)))
    }), { numRuns: 2000 })
  })

  it('random bytes as a multihash, a bare multibase string or a CID give a peer id or a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      check(typedOrValue(() => peerIdFromMultihash(rawMultihash(bytes))))
      check(typedOrValue(() => peerIdFromString(base58btc.encode(bytes))))
      check(typedOrValue(() => peerIdFromString(base58btc.baseEncode(bytes))))
      check(typedOrValue(() => peerIdFromString(cidString(bytes))))
      check(typedOrValue(() => peerIdFromString(base32.encode(bytes))))
    }), { numRuns: 2000 })
  })

  it('random key protobufs inside identity multihashes give a peer id or a typed error', () => {
    const keyProtobuf = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.uint8Array({ maxLength: 36 }))
      .map(([type, data]) => Uint8Array.from([0x08, type, 0x12, data.byteLength, ...data]))

    fc.assert(fc.property(keyProtobuf, fc.boolean(), (protobuf, compressedPrefix) => {
      if (compressedPrefix && protobuf.byteLength > 5) {
        protobuf[4] = 0x02 // make secp256k1-shaped data a little more likely to reach point decoding
      }

      check(typedOrValue(() => peerIdFromMultihash(createDigest(0x00, protobuf))))
    }), { numRuns: 2000 })
  })

  it('single byte changes to a valid id give the same id, another id, or a typed error', async () => {
    const id = peerIdFromPrivateKey(await generateKeyPair('secp256k1'))
    const bytes = id.toMultihash().bytes

    fc.assert(fc.property(fc.nat({ max: bytes.byteLength - 1 }), fc.integer({ min: 0, max: 255 }), (index, value) => {
      const mutated = Uint8Array.from(bytes)
      mutated[index] = value
      check(typedOrValue(() => peerIdFromMultihash(rawMultihash(mutated))))
      expect(id.equals(mutated)).to.equal(value === bytes[index])
    }), { numRuns: 1000 })
  })

  it('equals never throws', () => {
    const id = peerIdFromString(specExamples.ed25519.base58)

    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.uint8Array({ maxLength: 60 })), (other) => {
      expect(id.equals(other)).to.be.a('boolean')
    }), { numRuns: 2000 })
  })
})
