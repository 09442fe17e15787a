/** RSA PKCS#1 v1.5 / SHA-256 on WebCrypto (asynchronous); key objects are imported once, on first use */
import { InvalidPrivateKeyError } from '@libp2p/interface'
import { toArrayBufferView } from '../../util/bytes.js'
import { rsaPartsFromJwk, rsaPrivateJwk, rsaPublicJwk } from './jwk.js'
import type { RSAPrivateParts, RSAPublicParts } from './der.js'

const ALGORITHM: RsaHashedImportParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }

export async function generate (bits: number): Promise<RSAPrivateParts> {
  const pair = await crypto.subtle.generateKey({ ...ALGORITHM, modulusLength: bits, publicExponent: Uint8Array.of(1, 0, 1) }, true, ['sign', 'verify'])

  return rsaPartsFromJwk(await crypto.subtle.exportKey('jwk', pair.privateKey))
}

export function createSigner (parts: RSAPrivateParts): (data: Uint8Array) => Promise<Uint8Array> {
  let key: Promise<CryptoKey> | undefined

  return async (data) => {
    key ??= crypto.subtle.importKey('jwk', rsaPrivateJwk(parts), ALGORITHM, false, ['sign'])

    let cryptoKey: CryptoKey
    try {
      cryptoKey = await key
    } catch (err: any) {
      throw new InvalidPrivateKeyError(`WebCrypto refused the RSA private key: ${String(err?.message ?? err)}`)
    }

    return new Uint8Array(await crypto.subtle.sign(ALGORITHM, cryptoKey, toArrayBufferView(data)))
  }
}

export function createVerifier (parts: RSAPublicParts): (data: Uint8Array, sig: Uint8Array) => Promise<boolean> {
  let key: Promise<CryptoKey> | undefined

  return async (data, sig) => {
    try {
      key ??= crypto.subtle.importKey('jwk', rsaPublicJwk(parts), ALGORITHM, false, ['verify'])

      return await crypto.subtle.verify(ALGORITHM, await key, toArrayBufferView(sig), toArrayBufferView(data))
    } catch {
      return false
    }
  }
}
