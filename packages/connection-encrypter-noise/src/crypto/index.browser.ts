import { InvalidMessageError, InvalidParametersError } from '@libp2p/interface'
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { DH_KEY_BYTES, NOISE_LENGTH_PREFIX_BYTES, NOISE_TAG_BYTES } from '../constants.js'
import { DecryptionFailedError } from '../errors.js'
import { writeNonce } from './nonce.js'
import type { AEAD, DHKeyPair, NoiseCrypto } from './types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Browsers: `@noble` (audited JavaScript) for every primitive. WebCrypto has no ChaCha20-Poly1305,
 * and its X25519 (every current browser has it) is asynchronous while NoiseCrypto is synchronous
 * (the static key is made in the Noise constructor, DH runs inside the handshake state's message
 * methods): using it would make the handshake state, its callers and the Node implementation
 * asynchronous for four DH operations per handshake.
 */

const EMPTY = new Uint8Array(0)

// one nonce buffer for every cipher: seal and open are synchronous
const NONCE = new Uint8Array(12)
const NONCE_VIEW = new DataView(NONCE.buffer)

class NobleAEAD implements AEAD {
  readonly #key: Uint8Array

  constructor (key: Uint8Array) {
    this.#key = key
  }

  seal (nonce: number, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    writeNonce(NONCE_VIEW, nonce)
    return chacha20poly1305(this.#key, NONCE, ad).encrypt(plaintext)
  }

  sealFrame (nonce: number, plaintext: Uint8Array | Uint8ArrayList): Uint8Array {
    writeNonce(NONCE_VIEW, nonce)
    const length = plaintext.byteLength + NOISE_TAG_BYTES
    // one allocation: prefix, then the plaintext copied in and encrypted in place, then the tag
    const frame = new Uint8Array(NOISE_LENGTH_PREFIX_BYTES + length)
    frame[0] = length >>> 8
    frame[1] = length & 0xff
    if (plaintext instanceof Uint8Array) {
      frame.set(plaintext, NOISE_LENGTH_PREFIX_BYTES)
    } else {
      let offset = NOISE_LENGTH_PREFIX_BYTES
      for (const chunk of plaintext) {
        frame.set(chunk, offset)
        offset += chunk.byteLength
      }
    }
    const body = frame.subarray(NOISE_LENGTH_PREFIX_BYTES, NOISE_LENGTH_PREFIX_BYTES + plaintext.byteLength)
    chacha20poly1305(this.#key, NONCE, EMPTY).encrypt(body, frame.subarray(NOISE_LENGTH_PREFIX_BYTES))
    return frame
  }

  open (nonce: number, ad: Uint8Array, ciphertext: Uint8Array | Uint8ArrayList): Uint8Array {
    if (ciphertext.byteLength < NOISE_TAG_BYTES) {
      throw new DecryptionFailedError(`a Noise ciphertext has at least ${NOISE_TAG_BYTES} bytes, not ${ciphertext.byteLength}`)
    }
    writeNonce(NONCE_VIEW, nonce)
    // decrypt into a new buffer: the input may be a view of bytes the sender still owns
    const input = ciphertext instanceof Uint8Array ? ciphertext : ciphertext.subarray()
    try {
      return chacha20poly1305(this.#key, NONCE, ad).decrypt(input)
    } catch {
      throw new DecryptionFailedError('a Noise message failed authentication')
    }
  }
}

class NobleKeyPair implements DHKeyPair {
  readonly publicKey: Uint8Array
  readonly privateKey: Uint8Array

  constructor (privateKey: Uint8Array) {
    this.privateKey = privateKey
    this.publicKey = x25519.getPublicKey(privateKey)
  }
}

export const crypto: NoiseCrypto = {
  generateKeyPair (): DHKeyPair {
    return new NobleKeyPair(x25519.utils.randomSecretKey())
  },

  keyPairFromPrivateKey (privateKey: Uint8Array): DHKeyPair {
    if (privateKey.byteLength !== DH_KEY_BYTES) {
      throw new InvalidParametersError(`an X25519 private key has ${DH_KEY_BYTES} bytes, not ${privateKey.byteLength}`)
    }
    return new NobleKeyPair(privateKey.slice())
  },

  dh (local: DHKeyPair, remotePublicKey: Uint8Array): Uint8Array {
    if (remotePublicKey.byteLength !== DH_KEY_BYTES) {
      throw new InvalidMessageError(`an X25519 public key has ${DH_KEY_BYTES} bytes, not ${remotePublicKey.byteLength}`)
    }
    try {
      return x25519.getSharedSecret(local.privateKey, remotePublicKey)
    } catch {
      // noble refuses low-order points, whose shared secret would be all zeros
      throw new InvalidMessageError('the remote X25519 public key is not usable (low-order point)')
    }
  },

  sha256 (a: Uint8Array, b?: Uint8Array): Uint8Array {
    const hash = sha256.create().update(a)
    if (b != null) { hash.update(b) }
    return hash.digest()
  },

  hkdf (chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Uint8Array, Uint8Array] {
    const out = hkdf(sha256, inputKeyMaterial, chainingKey, EMPTY, 2 * DH_KEY_BYTES)
    return [out.subarray(0, DH_KEY_BYTES), out.subarray(DH_KEY_BYTES)]
  },

  createAEAD (key: Uint8Array): AEAD {
    return new NobleAEAD(key)
  }
}
