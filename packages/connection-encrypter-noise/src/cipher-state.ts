import { ProtocolError } from '@libp2p/interface'
import { MAX_NONCE } from './constants.js'
import type { AEAD, NoiseCrypto } from './crypto/types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

const EMPTY = new Uint8Array(0)

/**
 * A Noise CipherState: a key (absent at the start of a handshake) and the message counter `n`
 * that is the nonce. Every message uses the next nonce; Noise has no nonce on the wire, so both
 * sides stay in step by counting.
 */
export class CipherState {
  #aead?: AEAD
  #n = 0

  constructor (crypto?: NoiseCrypto, key?: Uint8Array) {
    if (crypto != null && key != null) {
      this.#aead = crypto.createAEAD(key)
    }
  }

  get hasKey (): boolean {
    return this.#aead != null
  }

  /** the nonce the next message will use */
  get nonce (): number {
    return this.#n
  }

  initializeKey (crypto: NoiseCrypto, key: Uint8Array): void {
    this.#aead = crypto.createAEAD(key)
    this.#n = 0
  }

  /** EncryptWithAd: plaintext passes through unchanged while there is no key */
  encryptWithAd (ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (this.#aead == null) { return plaintext }
    return this.#aead.seal(this.#next(), ad, plaintext)
  }

  /** DecryptWithAd: throws DecryptionFailedError (and does not advance) when the tag is wrong */
  decryptWithAd (ad: Uint8Array, ciphertext: Uint8Array): Uint8Array | Uint8ArrayList {
    if (this.#aead == null) { return ciphertext }
    const plaintext = this.#aead.open(this.#n, ad, ciphertext)
    this.#next()
    return plaintext
  }

  /** a transport message with its length prefix, empty associated data */
  encryptFrame (plaintext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList {
    return this.#aeadOrThrow().sealFrame(this.#next(), plaintext)
  }

  /** a transport message's ciphertext || tag, without the length prefix */
  decryptFrame (ciphertext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList {
    const plaintext = this.#aeadOrThrow().open(this.#n, EMPTY, ciphertext)
    this.#next()
    return plaintext
  }

  #aeadOrThrow (): AEAD {
    if (this.#aead == null) { throw new ProtocolError('the Noise cipher has no key yet') }
    return this.#aead
  }

  #next (): number {
    const n = this.#n
    if (n >= MAX_NONCE) {
      throw new ProtocolError(`Noise nonce exhausted after ${MAX_NONCE} messages: the connection must be closed`)
    }
    this.#n = n + 1
    return n
  }
}
