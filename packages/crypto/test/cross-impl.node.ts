/**
 * The node:crypto implementations (impl.ts) against the browser ones (impl.browser.ts: `@noble`,
 * WebCrypto, both available in Node): each verifies the other's signatures, and both have the
 * shape the key classes expect (checked by the compiler through the interface types).
 */
import { createPublicKey, createVerify, randomBytes } from 'node:crypto'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import * as sha256Browser from '../src/hash/sha256.browser.js'
import * as sha256Node from '../src/hash/sha256.js'
import { CURVES } from '../src/keys/ecdsa/curves.js'
import * as ecdsaBrowser from '../src/keys/ecdsa/impl.browser.js'
import * as ecdsaNode from '../src/keys/ecdsa/impl.js'
import * as ed25519Browser from '../src/keys/ed25519/impl.browser.js'
import * as ed25519Node from '../src/keys/ed25519/impl.js'
import { generateKeyPair } from '../src/keys/index.js'
import { parseRSAPrivateKey } from '../src/keys/rsa/der.js'
import * as rsaBrowser from '../src/keys/rsa/impl.browser.js'
import * as rsaNode from '../src/keys/rsa/impl.js'
import { toBase64url } from '../src/util/base64url.js'
import { rsaFixtureKey } from './fixtures/keys.js'
import type { ECDSAImpl } from '../src/keys/ecdsa/interface.js'
import type { Ed25519Impl } from '../src/keys/ed25519/interface.js'
import type { RSAImpl } from '../src/keys/rsa/interface.js'

const ED25519: Array<[string, Ed25519Impl]> = [['node', ed25519Node], ['browser', ed25519Browser]]
const ECDSA: Array<[string, ECDSAImpl]> = [['node', ecdsaNode], ['browser', ecdsaBrowser]]
const RSA: Array<[string, RSAImpl]> = [['node', rsaNode], ['browser', rsaBrowser]]

describe('node:crypto and browser implementations agree', function () {
  this.timeout(60_000)

  it('Ed25519: same public keys, same (deterministic) signatures, each verifies the other', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 256 }), async (seed, data) => {
      const [pubNode, ...pubOthers] = await Promise.all(ED25519.flatMap(([, impl]) => [Promise.resolve(impl.publicKeyFromSeed(seed)), impl.publicKeyFromSeedAsync(seed)]))
      for (const pub of pubOthers) {
        expect(pub).to.equalBytes(pubNode)
      }

      const [sigNode, ...sigOthers] = await Promise.all(ED25519.map(async ([, impl]) => impl.createSigner(seed, pubNode)(data)))
      for (const sig of sigOthers) {
        expect(sig).to.equalBytes(sigNode)
      }

      for (const [, impl] of ED25519) {
        const verify = impl.createVerifier(pubNode)
        expect(await verify(data, sigNode)).to.be.true()
        expect(await verify(Uint8Array.from([...data, 0]), sigNode)).to.be.false()
      }
    }), { numRuns: 50 })
  })

  for (const curve of Object.values(CURVES)) {
    it(`ECDSA ${curve.name}: each verifies the other's DER signatures`, async () => {
      const { d, point } = await ecdsaNode.generate(curve)
      const data = randomBytes(100)

      for (const [, impl] of ECDSA) {
        expect(impl.publicPointFromPrivate(curve, d)).to.equalBytes(point)
      }

      for (const [signerName, signer] of ECDSA) {
        const sig = await signer.createSigner(curve, d, point)(data)

        for (const [verifierName, verifier] of ECDSA) {
          expect(await verifier.createVerifier(curve, point)(data, sig), `${signerName} -> ${verifierName}`).to.be.true()
          expect(await verifier.createVerifier(curve, point)(data.subarray(1), sig)).to.be.false()
        }
      }
    })
  }

  it('RSA: same (deterministic) signatures, each verifies the other', async () => {
    const parts = parseRSAPrivateKey(rsaFixtureKey().raw)
    const data = randomBytes(100)
    const [sigNode, sigBrowser] = await Promise.all(RSA.map(async ([, impl]) => impl.createSigner(parts)(data)))

    expect(sigNode).to.equalBytes(sigBrowser)

    for (const [, impl] of RSA) {
      expect(await impl.createVerifier(parts)(data, sigNode)).to.be.true()
      expect(await impl.createVerifier(parts)(data.subarray(1), sigNode)).to.be.false()
    }
  })

  it('secp256k1: node:crypto (OpenSSL) verifies our signatures over sha256 of the data', async () => {
    const key = await generateKeyPair('secp256k1')
    const { secp256k1 } = await import('@noble/curves/secp256k1.js')
    const point = secp256k1.Point.fromBytes(key.publicKey.raw).toBytes(false)
    const jwk = { kty: 'EC', crv: 'secp256k1', x: toBase64url(point.subarray(1, 33)), y: toBase64url(point.subarray(33)) }
    const data = randomBytes(100)
    const sig = await key.sign(data)

    expect(createVerify('sha256').update(data).verify({ key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'der' }, sig)).to.be.true()
  })

  it('sha256: node:crypto and @noble/hashes agree on chunked input', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 5 }), (chunks) => {
      expect(sha256Node.sha256(chunks)).to.equalBytes(sha256Browser.sha256(chunks))
      expect(sha256Node.sha256(Uint8Array.from(chunks.flatMap(c => [...c])))).to.equalBytes(sha256Browser.sha256(chunks))
    }), { numRuns: 100 })
  })
})
