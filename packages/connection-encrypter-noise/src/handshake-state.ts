import { InvalidMessageError, ProtocolError } from '@libp2p/interface'
import { CipherState } from './cipher-state.js'
import { DH_KEY_BYTES, NOISE_PROTOCOL_NAME, NOISE_TAG_BYTES } from './constants.js'
import type { DHKeyPair, NoiseCrypto } from './crypto/types.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * The Noise XX pattern as a pure state machine (no I/O), following the HandshakeState and
 * SymmetricState objects of the Noise Protocol Framework, rev. 34, sections 5.1-5.3:
 *
 * ```
 * XX:
 *   -> e
 *   <- e, ee, s, es
 *   -> s, se
 * ```
 *
 * The initiator calls writeMessageA, readMessageB, writeMessageC; the responder readMessageA,
 * writeMessageB, readMessageC. Then both call split().
 */

/** an encrypted static key: 32 bytes and a tag */
const ENCRYPTED_KEY_BYTES = DH_KEY_BYTES + NOISE_TAG_BYTES
const textEncoder = new TextEncoder()

export interface HandshakeStateInit {
  crypto: NoiseCrypto
  initiator: boolean
  /** the local static key pair `s` */
  staticKeyPair: DHKeyPair
  /** empty for noise-libp2p; WebRTC-direct binds its certificates here */
  prologue?: Uint8Array
  /** fixed ephemeral key pair `e`, for test vectors only */
  ephemeralKeyPair?: DHKeyPair
}

export interface SplitCiphers {
  /** encrypts what this side sends */
  send: CipherState
  /** decrypts what this side receives */
  receive: CipherState
}

function bytes (data: Uint8Array | Uint8ArrayList): Uint8Array {
  return data instanceof Uint8Array ? data : data.subarray()
}

export class HandshakeState {
  readonly initiator: boolean
  readonly #crypto: NoiseCrypto
  readonly #s: DHKeyPair
  #e?: DHKeyPair
  #rs?: Uint8Array
  #re?: Uint8Array
  #ck: Uint8Array
  #h: Uint8Array
  readonly #cipher = new CipherState()
  #step = 0

  constructor (init: HandshakeStateInit) {
    this.#crypto = init.crypto
    this.initiator = init.initiator
    this.#s = init.staticKeyPair
    this.#e = init.ephemeralKeyPair
    // InitializeSymmetric: a name of at most HASHLEN bytes is zero-padded, a longer one hashed
    const name = textEncoder.encode(NOISE_PROTOCOL_NAME)
    if (name.byteLength <= DH_KEY_BYTES) {
      this.#h = new Uint8Array(DH_KEY_BYTES)
      this.#h.set(name)
    } else {
      this.#h = this.#crypto.sha256(name)
    }
    this.#ck = this.#h
    this.#mixHash(init.prologue ?? new Uint8Array(0))
  }

  /** the remote's static public key, known after message B (initiator) or C (responder) */
  get remoteStaticKey (): Uint8Array | undefined {
    return this.#rs
  }

  /** the local static public key, as it travels in the handshake */
  get staticPublicKey (): Uint8Array {
    return this.#s.publicKey
  }

  /** the handshake hash `h` (for channel binding) */
  get handshakeHash (): Uint8Array {
    return this.#h
  }

  /** -> e (initiator) */
  writeMessageA (payload: Uint8Array): Uint8Array {
    this.#expect(0, true)
    const e = this.#ephemeral()
    this.#mixHash(e.publicKey)
    const body = this.#encryptAndHash(payload)
    return concat(e.publicKey, body)
  }

  /** -> e (responder); returns the payload */
  readMessageA (message: Uint8Array): Uint8Array {
    this.#expect(0, false)
    checkLength(message, DH_KEY_BYTES, 'first')
    this.#re = message.slice(0, DH_KEY_BYTES)
    this.#mixHash(this.#re)
    return this.#decryptAndHash(message.subarray(DH_KEY_BYTES))
  }

  /** <- e, ee, s, es (responder) */
  writeMessageB (payload: Uint8Array): Uint8Array {
    this.#expect(1, false)
    const e = this.#ephemeral()
    this.#mixHash(e.publicKey)
    this.#mixKey(this.#crypto.dh(e, this.#remote(this.#re)))
    const s = this.#encryptAndHash(this.#s.publicKey)
    this.#mixKey(this.#crypto.dh(this.#s, this.#remote(this.#re)))
    const body = this.#encryptAndHash(payload)
    return concat(e.publicKey, s, body)
  }

  /** <- e, ee, s, es (initiator); returns the payload */
  readMessageB (message: Uint8Array): Uint8Array {
    this.#expect(1, true)
    checkLength(message, DH_KEY_BYTES + ENCRYPTED_KEY_BYTES + NOISE_TAG_BYTES, 'second')
    this.#re = message.slice(0, DH_KEY_BYTES)
    this.#mixHash(this.#re)
    this.#mixKey(this.#crypto.dh(this.#ephemeral(), this.#re))
    this.#rs = this.#decryptAndHash(message.subarray(DH_KEY_BYTES, DH_KEY_BYTES + ENCRYPTED_KEY_BYTES)).slice()
    this.#mixKey(this.#crypto.dh(this.#ephemeral(), this.#rs))
    return this.#decryptAndHash(message.subarray(DH_KEY_BYTES + ENCRYPTED_KEY_BYTES))
  }

  /** -> s, se (initiator) */
  writeMessageC (payload: Uint8Array): Uint8Array {
    this.#expect(2, true)
    const s = this.#encryptAndHash(this.#s.publicKey)
    this.#mixKey(this.#crypto.dh(this.#s, this.#remote(this.#re)))
    const body = this.#encryptAndHash(payload)
    return concat(s, body)
  }

  /** -> s, se (responder); returns the payload */
  readMessageC (message: Uint8Array): Uint8Array {
    this.#expect(2, false)
    checkLength(message, ENCRYPTED_KEY_BYTES + NOISE_TAG_BYTES, 'third')
    this.#rs = this.#decryptAndHash(message.subarray(0, ENCRYPTED_KEY_BYTES)).slice()
    this.#mixKey(this.#crypto.dh(this.#ephemeral(), this.#rs))
    return this.#decryptAndHash(message.subarray(ENCRYPTED_KEY_BYTES))
  }

  /** after the third message: the two transport ciphers, oriented for this side */
  split (): SplitCiphers {
    if (this.#step !== 3) { throw new ProtocolError('the Noise handshake has not finished') }
    const [k1, k2] = this.#crypto.hkdf(this.#ck, new Uint8Array(0))
    const c1 = new CipherState(this.#crypto, k1)
    const c2 = new CipherState(this.#crypto, k2)
    // the initiator sends with the first key; ephemeral keys are not needed any more
    this.#e = undefined
    return this.initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 }
  }

  #expect (step: number, initiator: boolean): void {
    if (this.#step !== step || this.initiator !== initiator) {
      throw new ProtocolError(`Noise XX message ${step + 1} is not the ${this.initiator ? 'initiator' : 'responder'}'s to handle at step ${this.#step + 1}`)
    }
    this.#step++
  }

  #ephemeral (): DHKeyPair {
    this.#e ??= this.#crypto.generateKeyPair()
    return this.#e
  }

  #remote (key: Uint8Array | undefined): Uint8Array {
    if (key == null) { throw new ProtocolError('the remote key is not known yet') }
    return key
  }

  #mixHash (data: Uint8Array): void {
    this.#h = this.#crypto.sha256(this.#h, data)
  }

  #mixKey (inputKeyMaterial: Uint8Array): void {
    const [ck, k] = this.#crypto.hkdf(this.#ck, inputKeyMaterial)
    this.#ck = ck
    this.#cipher.initializeKey(this.#crypto, k)
  }

  #encryptAndHash (plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.#cipher.encryptWithAd(this.#h, plaintext)
    this.#mixHash(ciphertext)
    return ciphertext
  }

  #decryptAndHash (ciphertext: Uint8Array): Uint8Array {
    const plaintext = bytes(this.#cipher.decryptWithAd(this.#h, ciphertext))
    this.#mixHash(ciphertext)
    return plaintext
  }
}

function checkLength (message: Uint8Array, min: number, which: string): void {
  if (message.byteLength < min) {
    throw new InvalidMessageError(`the ${which} Noise XX message has ${message.byteLength} bytes, at least ${min} expected`)
  }
}

function concat (...parts: Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) { length += part.byteLength }
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}
