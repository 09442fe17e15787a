import type { RSAPrivateParts, RSAPublicParts } from './der.js'
import type { Await } from '@libp2p/interface'

/** What the platform supplies for RSA PKCS#1 v1.5 with SHA-256 (impl.ts: node:crypto, impl.browser.ts: WebCrypto) */
export interface RSAImpl {
  /** a new key pair with a modulus of `bits` bits and exponent 65537 */
  generate(bits: number): Promise<RSAPrivateParts>
  /** a signing function; the key object is built once (eagerly where the platform is synchronous) */
  createSigner(parts: RSAPrivateParts): (data: Uint8Array) => Await<Uint8Array>
  /** a verifying function; returns false (never throws) for a malformed signature or an unusable key */
  createVerifier(parts: RSAPublicParts): (data: Uint8Array, sig: Uint8Array) => Await<boolean>
}
