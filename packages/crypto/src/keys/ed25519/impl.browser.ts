/** Ed25519 on `@noble/curves` (synchronous, no WebCrypto needed) */
import { ed25519 } from '@noble/curves/ed25519.js'
import { ED25519_SIGNATURE_BYTES } from '../../constants.js'

export function publicKeyFromSeed (seed: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seed)
}

export function createSigner (seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Uint8Array {
  return (data) => ed25519.sign(data, seed)
}

export function createVerifier (publicKey: Uint8Array): (data: Uint8Array, sig: Uint8Array) => boolean {
  return (data, sig) => {
    if (sig.byteLength !== ED25519_SIGNATURE_BYTES) {
      return false
    }

    try {
      // RFC 8032 rules (not ZIP-215), to accept the same signatures as node:crypto / OpenSSL
      return ed25519.verify(sig, data, publicKey, { zip215: false })
    } catch {
      return false
    }
  }
}
