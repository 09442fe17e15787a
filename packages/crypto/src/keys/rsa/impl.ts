/** RSA PKCS#1 v1.5 / SHA-256 on node:crypto: synchronous sign and verify with key objects built once */
import { createPrivateKey, createPublicKey, generateKeyPair, sign, verify } from 'node:crypto'
import { promisify } from 'node:util'
import { rsaPartsFromJwk, rsaPrivateJwk, rsaPublicJwk } from './jwk.js'
import type { RSAPrivateParts, RSAPublicParts } from './der.js'
import type { KeyObject } from 'node:crypto'

const generateKeyPairAsync = promisify(generateKeyPair)

export async function generate (bits: number): Promise<RSAPrivateParts> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 })

  return rsaPartsFromJwk(privateKey.export({ format: 'jwk' }))
}

export function createSigner (parts: RSAPrivateParts): (data: Uint8Array) => Uint8Array {
  const key = createPrivateKey({ key: rsaPrivateJwk(parts) as any, format: 'jwk' })

  return (data) => {
    const sig = sign('sha256', data, key)

    return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength)
  }
}

export function createVerifier (parts: RSAPublicParts): (data: Uint8Array, sig: Uint8Array) => boolean {
  let key: KeyObject | undefined

  return (data, sig) => {
    try {
      key ??= createPublicKey({ key: rsaPublicJwk(parts) as any, format: 'jwk' })

      return verify('sha256', data, key, sig)
    } catch {
      return false
    }
  }
}
