/**
 * The Node.js primitives (node:crypto) and the browser ones (`@noble`) side by side: both run the
 * cacophony vector, agree with each other on random inputs, and a whole XX transcript agrees with
 * a reference written straight from the Noise specification's formulas with `@noble`.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { crypto as browserCrypto } from '../src/crypto/index.browser.js'
import { crypto as nodeCrypto } from '../src/crypto/index.js'
import { HandshakeState } from '../src/handshake-state.js'
import { runCacophonyVector, toHex } from './fixtures/run-vector.js'
import type { NoiseCrypto } from '../src/crypto/types.js'

const joined = (b: Uint8Array | Uint8ArrayList): Uint8Array => b instanceof Uint8Array ? b : b.subarray()

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max })
/** split a buffer at random points into a Uint8ArrayList */
const pieces = (data: Uint8Array, cuts: number[]): Uint8ArrayList => {
  const points = [...new Set(cuts.map(c => c % (data.byteLength + 1)))].sort((a, b) => a - b)
  const list = new Uint8ArrayList()
  let last = 0
  for (const p of [...points, data.byteLength]) {
    if (p > last) { list.append(data.subarray(last, p)) }
    last = Math.max(last, p)
  }
  return list
}

describe('crypto: node:crypto and @noble agree', () => {
  for (const [name, crypto] of [['node:crypto', nodeCrypto], ['@noble', browserCrypto]] as Array<[string, NoiseCrypto]>) {
    it(`${name} reproduces the cacophony XX vector`, () => {
      runCacophonyVector(crypto)
    })

    it(`${name} refuses a low-order public key with InvalidMessageError`, () => {
      const local = crypto.generateKeyPair()
      expect(() => crypto.dh(local, new Uint8Array(32))).to.throw().with.property('name', 'InvalidMessageError')
      expect(() => crypto.dh(local, new Uint8Array(31))).to.throw().with.property('name', 'InvalidMessageError')
    })
  }

  it('X25519 keys and shared secrets agree', () => {
    fc.assert(fc.property(bytes(32, 32), bytes(32, 32), (a, b) => {
      const na = nodeCrypto.keyPairFromPrivateKey(a)
      const ba = browserCrypto.keyPairFromPrivateKey(a)
      expect(toHex(na.publicKey)).to.equal(toHex(ba.publicKey))
      const bPub = x25519.getPublicKey(b)
      expect(toHex(nodeCrypto.dh(na, bPub))).to.equal(toHex(browserCrypto.dh(ba, bPub)))
      expect(toHex(nodeCrypto.dh(na, bPub))).to.equal(toHex(x25519.getSharedSecret(b, na.publicKey)))
    }), { numRuns: 50 })
    const generated = nodeCrypto.generateKeyPair()
    expect(toHex(x25519.getPublicKey(generated.privateKey))).to.equal(toHex(generated.publicKey))
    const generatedInBrowser = browserCrypto.generateKeyPair()
    expect(toHex(nodeCrypto.keyPairFromPrivateKey(generatedInBrowser.privateKey).publicKey)).to.equal(toHex(generatedInBrowser.publicKey))
  })

  it('SHA-256 and HKDF agree', () => {
    fc.assert(fc.property(bytes(0, 200), bytes(0, 200), bytes(32, 32), (a, b, ck) => {
      expect(toHex(nodeCrypto.sha256(a, b))).to.equal(toHex(browserCrypto.sha256(a, b)))
      expect(toHex(nodeCrypto.sha256(a))).to.equal(toHex(sha256(a)))
      const [n1, n2] = nodeCrypto.hkdf(ck, a)
      const [b1, b2] = browserCrypto.hkdf(ck, a)
      expect(toHex(n1) + toHex(n2)).to.equal(toHex(b1) + toHex(b2))
    }), { numRuns: 100 })
  })

  it('ChaCha20-Poly1305 seals and opens across implementations, whole or in pieces', () => {
    fc.assert(fc.property(bytes(32, 32), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), bytes(0, 64), bytes(0, 3000), fc.array(fc.nat(), { maxLength: 6 }), (key, nonce, ad, plaintext, cuts) => {
      const n = nodeCrypto.createAEAD(key)
      const b = browserCrypto.createAEAD(key)
      const sealed = n.seal(nonce, ad, plaintext)
      expect(toHex(sealed)).to.equal(toHex(b.seal(nonce, ad, plaintext)))
      // an independent check of the nonce layout: 4 zero bytes then the 64-bit counter, little-endian
      const iv = new Uint8Array(12)
      new DataView(iv.buffer).setBigUint64(4, BigInt(nonce), true)
      expect(toHex(sealed)).to.equal(toHex(chacha20poly1305(key, iv, ad).encrypt(plaintext)))

      const split = pieces(sealed, cuts)
      expect(toHex(joined(n.open(nonce, ad, split)))).to.equal(toHex(plaintext))
      expect(toHex(joined(b.open(nonce, ad, split)))).to.equal(toHex(plaintext))

      const frameNode = joined(n.sealFrame(nonce, pieces(plaintext, cuts)))
      const frameBrowser = joined(b.sealFrame(nonce, pieces(plaintext, cuts)))
      expect(toHex(frameNode)).to.equal(toHex(frameBrowser))
      expect(frameNode[0] * 256 + frameNode[1]).to.equal(plaintext.byteLength + 16)
      expect(toHex(frameNode.subarray(2))).to.equal(toHex(n.seal(nonce, new Uint8Array(0), plaintext)))

      const tampered = sealed.slice()
      tampered[cuts.length > 0 ? cuts[0] % tampered.byteLength : 0] ^= 0x80
      expect(() => n.open(nonce, ad, pieces(tampered, cuts))).to.throw().with.property('name', 'DecryptionFailedError')
      expect(() => b.open(nonce, ad, tampered)).to.throw().with.property('name', 'DecryptionFailedError')
      expect(() => n.open(nonce + 1 <= Number.MAX_SAFE_INTEGER ? nonce + 1 : nonce - 1, ad, sealed)).to.throw().with.property('name', 'DecryptionFailedError')
    }), { numRuns: 200 })
  })

  it('a whole XX transcript matches the Noise specification formulas written out with @noble', () => {
    fc.assert(fc.property(bytes(32, 32), bytes(32, 32), bytes(32, 32), bytes(32, 32), bytes(0, 300), bytes(0, 300), (is, ie, rs, re, p2, p3) => {
      for (const crypto of [nodeCrypto, browserCrypto]) {
        const initiator = new HandshakeState({ crypto, initiator: true, staticKeyPair: crypto.keyPairFromPrivateKey(is), ephemeralKeyPair: crypto.keyPairFromPrivateKey(ie) })
        const responder = new HandshakeState({ crypto, initiator: false, staticKeyPair: crypto.keyPairFromPrivateKey(rs), ephemeralKeyPair: crypto.keyPairFromPrivateKey(re) })
        const a = initiator.writeMessageA(new Uint8Array(0))
        responder.readMessageA(a)
        const b = responder.writeMessageB(p2)
        initiator.readMessageB(b)
        const c = initiator.writeMessageC(p3)
        responder.readMessageC(c)
        const ref = referenceXX(is, ie, rs, re, p2, p3)
        expect(toHex(a)).to.equal(toHex(ref.a))
        expect(toHex(b)).to.equal(toHex(ref.b))
        expect(toHex(c)).to.equal(toHex(ref.c))
        expect(toHex(initiator.handshakeHash)).to.equal(toHex(ref.h))
        const i = initiator.split()
        const r = responder.split()
        const msg = Uint8Array.of(1, 2, 3)
        expect(toHex(joined(i.send.encryptFrame(msg)).subarray(2))).to.equal(toHex(chacha20poly1305(ref.k1, new Uint8Array(12)).encrypt(msg)))
        expect(toHex(joined(r.send.encryptFrame(msg)).subarray(2))).to.equal(toHex(chacha20poly1305(ref.k2, new Uint8Array(12)).encrypt(msg)))
      }
    }), { numRuns: 20 })
  })
})

/**
 * Noise_XX_25519_ChaChaPoly_SHA256 with an empty prologue and an empty first payload, spelled out
 * step by step as in the Noise specification (sections 4 and 5), using only `@noble` primitives.
 */
function referenceXX (is: Uint8Array, ie: Uint8Array, rs: Uint8Array, re: Uint8Array, p2: Uint8Array, p3: Uint8Array): { a: Uint8Array, b: Uint8Array, c: Uint8Array, h: Uint8Array, k1: Uint8Array, k2: Uint8Array } {
  const cat = (...parts: Uint8Array[]): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
    let o = 0
    for (const p of parts) { out.set(p, o); o += p.byteLength }
    return out
  }
  const HKDF = (ck: Uint8Array, ikm: Uint8Array): [Uint8Array, Uint8Array] => {
    const temp = hmac(sha256, ck, ikm)
    const out1 = hmac(sha256, temp, Uint8Array.of(1))
    const out2 = hmac(sha256, temp, cat(out1, Uint8Array.of(2)))
    return [out1, out2]
  }
  const DH = (priv: Uint8Array, pub: Uint8Array): Uint8Array => x25519.getSharedSecret(priv, pub)
  const pub = (priv: Uint8Array): Uint8Array => x25519.getPublicKey(priv)
  const ENC = (k: Uint8Array, n: number, ad: Uint8Array, pt: Uint8Array): Uint8Array => {
    const nonce = new Uint8Array(12)
    nonce[4] = n
    return chacha20poly1305(k, nonce, ad).encrypt(pt)
  }

  // "Noise_XX_25519_ChaChaPoly_SHA256" is exactly 32 bytes: h = name, ck = h; prologue empty
  let h: Uint8Array = new TextEncoder().encode('Noise_XX_25519_ChaChaPoly_SHA256')
  let ck = h
  h = sha256(h)
  let k: Uint8Array = new Uint8Array(0)
  let n = 0
  const mixHash = (data: Uint8Array): void => { h = sha256(cat(h, data)) }
  const mixKey = (ikm: Uint8Array): void => { [ck, k] = HKDF(ck, ikm); n = 0 }
  const encryptAndHash = (pt: Uint8Array): Uint8Array => {
    const ct = k.byteLength === 0 ? pt : ENC(k, n++, h, pt)
    mixHash(ct)
    return ct
  }

  // -> e
  mixHash(pub(ie))
  const a = cat(pub(ie), encryptAndHash(new Uint8Array(0)))
  // <- e, ee, s, es
  mixHash(pub(re))
  mixKey(DH(ie, pub(re)))
  const encryptedRs = encryptAndHash(pub(rs))
  mixKey(DH(ie, pub(rs)))
  const b = cat(pub(re), encryptedRs, encryptAndHash(p2))
  // -> s, se
  const encryptedIs = encryptAndHash(pub(is))
  mixKey(DH(is, pub(re)))
  const c = cat(encryptedIs, encryptAndHash(p3))
  const [k1, k2] = HKDF(ck, new Uint8Array(0))
  expect(uint8ArrayEquals(k1, k2)).to.equal(false)
  return { a, b, c, h, k1, k2 }
}
