import type { Await } from '@libp2p/interface'

/** What the platform supplies for Ed25519 (impl.ts: node:crypto, impl.browser.ts: WebCrypto, else `@noble/curves`) */
export interface Ed25519Impl {
  /** the 32-byte public key of a 32-byte seed, synchronously (in browsers this is `@noble/curves`) */
  publicKeyFromSeed(seed: Uint8Array): Uint8Array
  /** the same, as the platform does it best (in browsers: WebCrypto, else `@noble/curves`) */
  publicKeyFromSeedAsync(seed: Uint8Array): Promise<Uint8Array>
  /** a signing function holding whatever key object the platform needs, built once */
  createSigner(seed: Uint8Array, publicKey: Uint8Array): (data: Uint8Array) => Await<Uint8Array>
  /** a verifying function; returns false (never throws) for a malformed signature or unusable key */
  createVerifier(publicKey: Uint8Array): (data: Uint8Array, sig: Uint8Array) => Await<boolean>
}
