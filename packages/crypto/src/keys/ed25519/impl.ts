/**
 * Ed25519 on node:crypto. Key objects are imported through JWK (several times faster than DER
 * on Node 20) and kept for the key's lifetime.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import { ED25519_SIGNATURE_BYTES } from '../../constants.js'
import type { KeyObject } from 'node:crypto'

function base64url (buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64url')
}

function privateKeyObject (seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  // node derives the public half from `d` and ignores `x`
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: base64url(seed), x: base64url(publicKey) }, format: 'jwk' })
}

export function publicKeyFromSeed (seed: Uint8Array): Uint8Array {
  const jwk = createPublicKey(privateKeyObject(seed, seed)).export({ format: 'jwk' })

  return Buffer.from(jwk.x ?? '', 'base64url')
}

export function createSigner (seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  const key = privateKeyObject(seed, publicKey)

  return (data) => {
    const sig = sign(null, data, key)

    return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength)
  }
}

export function createVerifier (publicKey: Uint8Array): (data: Uint8Array, sig: Uint8Array) => boolean {
  // created on first use: most public keys (e.g. from peer ids) never verify anything
  let key: KeyObject | undefined

  return (data, sig) => {
    if (sig.byteLength !== ED25519_SIGNATURE_BYTES) {
      return false
    }

    try {
      key ??= createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) }, format: 'jwk' })

      return verify(null, data, key, sig)
    } catch {
      return false
    }
  }
}
