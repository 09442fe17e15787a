import { expect } from 'aegir/chai'
import { generateKeyPair } from '../src/keys/index.js'
import { rsaFixtureKey } from './fixtures/keys.js'

describe('browser implementations (package.json "browser" map)', () => {
  it('sign and verify secp256k1 synchronously (@noble/curves)', async () => {
    const key = await generateKeyPair('secp256k1')
    const sig = key.sign(Uint8Array.of(1))

    expect(sig, key.type).to.be.an.instanceOf(Uint8Array)
    expect(key.publicKey.verify(Uint8Array.of(1), sig as Uint8Array), key.type).to.equal(true)
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

  it('Ed25519 keys sign and verify on this browser\'s WebCrypto (Chromium 137+), not the @noble/curves fallback', async () => {
    const subtle = globalThis.crypto.subtle
    const { sign, verify } = subtle
    const calls: string[] = []

    subtle.sign = async function (algorithm: any, ...rest: any[]): Promise<ArrayBuffer> {
      calls.push(`sign ${String(algorithm?.name ?? algorithm)}`)
      return (sign as any).call(subtle, algorithm, ...rest)
    } as any
    subtle.verify = async function (algorithm: any, ...rest: any[]): Promise<boolean> {
      calls.push(`verify ${String(algorithm?.name ?? algorithm)}`)
      return (verify as any).call(subtle, algorithm, ...rest)
    } as any

    try {
      const key = await generateKeyPair('Ed25519')
      expect(await key.publicKey.verify(Uint8Array.of(1), await key.sign(Uint8Array.of(1)))).to.equal(true)
    } finally {
      subtle.sign = sign
      subtle.verify = verify
    }

    expect(calls).to.deep.equal(['sign Ed25519', 'verify Ed25519'])
  })
})
