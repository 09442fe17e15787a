import { InvalidParametersError } from '@libp2p/interface'
import { sha1 } from '@noble/hashes/legacy.js'
import { pbkdf2 as noblePbkdf2 } from '@noble/hashes/pbkdf2.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { base64 } from 'multiformats/bases/base64'

/** the hashes pbkdf2() takes, by their multihash names (js-libp2p's) */
const HASHES = { sha1, 'sha2-256': sha256, 'sha2-512': sha512 }

/**
 * PBKDF2 of `password` (js-libp2p's `pbkdf2`, used by keychains to derive an encryption key):
 * `keySize` bytes after `iterations` rounds of HMAC with `hash` ('sha1', 'sha2-256' or
 * 'sha2-512'), returned as unpadded standard base64, the form js-libp2p returns.
 */
export function pbkdf2 (password: string, salt: string | Uint8Array, iterations: number, keySize: number, hash: string): string {
  if (!Object.hasOwn(HASHES, hash)) {
    throw new InvalidParametersError(`pbkdf2 hash '${hash}' is not one of ${Object.keys(HASHES).join(', ')}`)
  }
  const derived = noblePbkdf2(HASHES[hash as keyof typeof HASHES], password, salt, { c: iterations, dkLen: keySize })
  return base64.baseEncode(derived)
}
