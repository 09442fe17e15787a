import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * An X25519 key pair. Implementations may carry a prepared form of the private key (a node:crypto
 * KeyObject) so that a Diffie-Hellman costs no key import.
 */
export interface DHKeyPair {
  /** 32 bytes, RFC 7748 section 5 encoding */
  readonly publicKey: Uint8Array
  /** 32 bytes; exported on demand, used by tests and `staticNoiseKey` round trips */
  readonly privateKey: Uint8Array
}

/**
 * ChaCha20-Poly1305 with one key (a Noise CipherState's `k`). Nonces are the Noise counter `n`:
 * encoded as 4 zero bytes and 8 little-endian bytes.
 */
export interface AEAD {
  /** ciphertext || tag in one buffer (handshake messages) */
  seal (nonce: number, ad: Uint8Array, plaintext: Uint8Array): Uint8Array

  /**
   * A whole transport frame for `plaintext` (at most 65519 bytes): the 2-byte big-endian length,
   * the ciphertext and the tag, encrypted with empty associated data. It comes back in one buffer
   * or, where the platform's cipher allocates its own output, as the pieces of one frame (no copy).
   */
  sealFrame (nonce: number, plaintext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList

  /**
   * Decrypt ciphertext || tag. Returns the plaintext (possibly in several pieces when the input was
   * in several); throws DecryptionFailedError when the tag does not match, and then returns no
   * plaintext at all.
   */
  open (nonce: number, ad: Uint8Array, ciphertext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList
}

/** The primitives of Noise_XX_25519_ChaChaPoly_SHA256, with one implementation per platform */
export interface NoiseCrypto {
  generateKeyPair (): DHKeyPair
  keyPairFromPrivateKey (privateKey: Uint8Array): DHKeyPair
  /** X25519; throws InvalidMessageError for a public key that gives the all-zero secret */
  dh (local: DHKeyPair, remotePublicKey: Uint8Array): Uint8Array
  sha256 (a: Uint8Array, b?: Uint8Array): Uint8Array
  /** Noise's HKDF with two outputs (RFC 5869 HKDF-SHA256, salt = chaining key, empty info) */
  hkdf (chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Uint8Array, Uint8Array]
  createAEAD (key: Uint8Array): AEAD
}
