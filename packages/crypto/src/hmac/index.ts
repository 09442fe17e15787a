/**
 * @packageDocumentation
 *
 * HMAC with SHA-1, SHA-256 or SHA-512 (js-libp2p's `@libp2p/crypto/hmac`), through Web Crypto,
 * which Node 20 and browsers both have, so one file serves both.
 */
import { InvalidParametersError } from '@libp2p/interface'
import { toArrayBufferView } from '../util/bytes.js'

export interface HMAC {
  /** the MAC of `data` under the secret `create()` was given */
  digest(data: Uint8Array): Promise<Uint8Array>
  /** bytes of a MAC */
  length: number
}

const DIGEST_BYTES = { SHA1: 20, SHA256: 32, SHA512: 64 }
const WEB_CRYPTO_NAMES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' }

export async function create (hash: 'SHA1' | 'SHA256' | 'SHA512', secret: Uint8Array): Promise<HMAC> {
  if (!Object.hasOwn(DIGEST_BYTES, hash)) {
    throw new InvalidParametersError(`hmac hash '${String(hash)}' is not one of ${Object.keys(DIGEST_BYTES).join(', ')}`)
  }
  const key = await globalThis.crypto.subtle.importKey('raw', toArrayBufferView(secret), { name: 'HMAC', hash: { name: WEB_CRYPTO_NAMES[hash] } }, false, ['sign'])
  return {
    length: DIGEST_BYTES[hash],
    async digest (data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, toArrayBufferView(data)))
    }
  }
}
