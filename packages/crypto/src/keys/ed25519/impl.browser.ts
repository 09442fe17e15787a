/**
 * Ed25519 in browsers: WebCrypto (native, asynchronous; Chromium 137+, Firefox 129+, Safari 17+),
 * and `@noble/curves`' ed25519 where a browser's WebCrypto has no Ed25519 or refuses an operation.
 * Both are RFC 8032 and deterministic, so they give the same keys and signatures. The synchronous
 * `publicKeyFromSeed` (behind ed25519PrivateKeyFromRaw and the synchronous generators) is
 * `@noble/curves` too: WebCrypto has no synchronous API.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat } from 'uint8arrays/concat'
import { ED25519_SIGNATURE_BYTES } from '../../constants.js'
import { fromBase64url, toBase64url } from '../../util/base64url.js'
import { toArrayBufferView } from '../../util/bytes.js'

const ALGORITHM = { name: 'Ed25519' }

/** PKCS#8 PrivateKeyInfo header of an Ed25519 seed (RFC 8410): version 0, OID 1.3.101.112, OCTET STRING { OCTET STRING seed } */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])

/** WebCrypto without Ed25519 (Chromium before 137, Firefox before 129, Safari before 17) */
function unsupported (err: any): boolean {
  return err?.name === 'NotSupportedError'
}

function nobleVerify (publicKey: Uint8Array, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    // RFC 8032 rules (not ZIP-215), to accept the same signatures as node:crypto / OpenSSL
    return ed25519.verify(sig, data, publicKey, { zip215: false })
  } catch {
    return false
  }
}

export function publicKeyFromSeed (seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed)
}

export async function publicKeyFromSeedAsync (seed: Uint8Array): Promise<Uint8Array> {
  try {
    const key = await crypto.subtle.importKey('pkcs8', toArrayBufferView(concat([PKCS8_PREFIX, seed])), ALGORITHM, true, ['sign'])

    return fromBase64url((await crypto.subtle.exportKey('jwk', key)).x)
  } catch {
    // no Ed25519 in this WebCrypto (NotSupportedError), or it failed otherwise: noble derives the same key
    return ed25519.getPublicKey(seed)
  }
}

export function createSigner (seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Promise<Uint8Array> {
  let key: Promise<CryptoKey> | undefined

  return async (data) => {
    try {
      key ??= crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: toBase64url(seed), x: toBase64url(publicKey) }, ALGORITHM, false, ['sign'])

      return new Uint8Array(await crypto.subtle.sign(ALGORITHM, await key, toArrayBufferView(data)))
    } catch {
      // as above: the signature is deterministic, noble gives the same one
      return ed25519.sign(data, seed)
    }
  }
}

export function createVerifier (publicKey: Uint8Array): (data: Uint8Array, sig: Uint8Array) => Promise<boolean> {
  let key: Promise<CryptoKey> | undefined

  return async (data, sig) => {
    if (sig.byteLength !== ED25519_SIGNATURE_BYTES) {
      return false
    }

    try {
      key ??= crypto.subtle.importKey('raw', toArrayBufferView(publicKey), ALGORITHM, false, ['verify'])

      return await crypto.subtle.verify(ALGORITHM, await key, toArrayBufferView(sig), toArrayBufferView(data))
    } catch (err: any) {
      // a key WebCrypto refuses (not a point) verifies nothing
      return unsupported(err) ? nobleVerify(publicKey, data, sig) : false
    }
  }
}
