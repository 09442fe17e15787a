import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { create as createDigest } from 'multiformats/hashes/digest'
import { identity } from 'multiformats/hashes/identity'
import { ecdsaPrivateKeyFromDER, ecdsaPublicKeyFromDER, ed25519PrivateKeyFromRaw, ed25519PublicKeyFromRaw, privateKeyFromProtobuf, privateKeyFromRaw, privateKeyToProtobuf, publicKeyFromMultihash, publicKeyFromProtobuf, publicKeyFromRaw, publicKeyToProtobuf, rsaPrivateKeyFromDER, rsaPublicKeyFromDER, secp256k1PrivateKeyFromRaw, secp256k1PublicKeyFromRaw } from '../src/keys/index.js'
import { JS_ECDSA_VECTORS } from './fixtures/js-ecdsa.js'
import { KEY_TYPES, hex, testKey } from './fixtures/keys.js'
import { SPEC_VECTORS } from './fixtures/vectors.js'
import type { PublicKey } from '@libp2p/interface'

/** the only errors a decoder may throw on bad bytes */
const TYPED = new Set(['InvalidPublicKeyError', 'InvalidPrivateKeyError', 'UnsupportedKeyTypeError', 'InvalidMessageError', 'InvalidParametersError'])

const DECODERS: Record<string, (buf: Uint8Array) => unknown> = {
  publicKeyFromProtobuf,
  privateKeyFromProtobuf,
  publicKeyFromRaw: (buf) => publicKeyFromRaw(buf),
  privateKeyFromRaw: (buf) => privateKeyFromRaw(buf),
  publicKeyFromMultihash: (buf) => publicKeyFromMultihash(identity.digest(buf)),
  publicKeyFromSha256Multihash: (buf) => publicKeyFromMultihash(createDigest(0x12, buf)),
  ed25519PublicKeyFromRaw,
  ed25519PrivateKeyFromRaw,
  secp256k1PublicKeyFromRaw,
  secp256k1PrivateKeyFromRaw,
  rsaPublicKeyFromDER,
  rsaPrivateKeyFromDER,
  ecdsaPublicKeyFromDER,
  ecdsaPrivateKeyFromDER
}

/** runs the decoder; a returned key is fine, a thrown error must be one of the typed ones */
function decodeOrTypedError (name: string, buf: Uint8Array): unknown {
  try {
    return DECODERS[name](buf)
  } catch (err: any) {
    if (!TYPED.has(err?.name)) {
      throw new Error(`${name} threw ${err?.name}: ${err?.message}`)
    }
  }
}

/** valid encodings of every kind, as seeds for mutation */
async function validEncodings (): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []

  for (const vector of Object.values(SPEC_VECTORS)) {
    const priv = hex(vector.privateKey)
    const pub = hex(vector.publicKey)
    out.push(priv, pub, privateKeyFromProtobuf(priv).raw, publicKeyFromProtobuf(pub).raw)
  }

  for (const vector of Object.values(JS_ECDSA_VECTORS)) {
    out.push(hex(vector.privateKey), hex(vector.publicKey), publicKeyFromProtobuf(hex(vector.publicKey)).raw)
  }

  for (const type of KEY_TYPES) {
    const key = await testKey(type)
    out.push(privateKeyToProtobuf(key), publicKeyToProtobuf(key.publicKey), key.raw, key.publicKey.raw)
  }

  return out
}

/** a mutation of one of the valid encodings: flipped bytes, a cut, an insertion */
function mutated (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(
    fc.integer({ min: 0, max: seeds.length - 1 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
    fc.option(fc.nat()),
    fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })))
  ).map(([index, flips, cut, insert]) => {
    let buf = seeds[index].slice()
    for (const [at, mask] of flips) {
      buf[at % buf.byteLength] ^= mask
    }
    if (insert != null) {
      const at = insert[0] % (buf.byteLength + 1)
      buf = Uint8Array.from([...buf.subarray(0, at), ...insert[1], ...buf.subarray(at)])
    }
    if (cut != null) {
      buf = buf.subarray(0, cut % (buf.byteLength + 1))
    }
    return buf
  })
}

describe('decoders on hostile bytes', function () {
  this.timeout(120_000)
  const seeds: Uint8Array[] = []

  before(async () => {
    seeds.push(...await validEncodings())
  })

  for (const name of Object.keys(DECODERS)) {
    it(`${name} throws only typed errors on random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (buf) => {
        decodeOrTypedError(name, buf)
      }), { numRuns: 300 })
    })

    it(`${name} throws only typed errors on mutated valid encodings`, () => {
      fc.assert(fc.property(mutated(seeds), (buf) => {
        decodeOrTypedError(name, buf)
      }), { numRuns: 300 })
    })
  }

  it('keys decoded from mutated encodings verify random signatures as false without throwing', async () => {
    await fc.assert(fc.asyncProperty(mutated(seeds), fc.uint8Array({ maxLength: 600 }), async (buf, sig) => {
      const key = decodeOrTypedError('publicKeyFromProtobuf', buf) ?? decodeOrTypedError('publicKeyFromRaw', buf)

      if (key != null) {
        expect(await (key as PublicKey).verify(Uint8Array.of(1, 2, 3), sig)).to.be.false()
      }
    }), { numRuns: 200 })
  })

  it('valid keys verify random and mutated signatures as false without throwing', async () => {
    for (const type of KEY_TYPES) {
      const key = await testKey(type)
      const good = await key.sign(Uint8Array.of(9))

      await fc.assert(fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }), mutated([good])), async (sig) => {
        const result = await key.publicKey.verify(Uint8Array.of(9), sig)
        expect(typeof result).to.equal('boolean')
      }), { numRuns: 100 })
    }
  })
})
