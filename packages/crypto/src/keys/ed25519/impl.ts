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

/** PKCS#8 PrivateKeyInfo header of an Ed25519 seed (RFC 8410): version 0, OID 1.3.101.112, OCTET STRING { OCTET STRING seed } */
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function publicKeyFromSeed (seed: Uint8Array): Uint8Array {
  // DER import here (slower than JWK, but a JWK private key must state its public half, which we are computing)
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const jwk = createPublicKey(key).export({ format: 'jwk' })

  // a plain Uint8Array of its own, not a view into Buffer's shared pool
  return new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))
}

export async function publicKeyFromSeedAsync (seed: Uint8Array): Promise<Uint8Array> {
  return publicKeyFromSeed(seed)
}

export function createSigner (seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: base64url(seed), x: base64url(publicKey) }, format: 'jwk' })

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
