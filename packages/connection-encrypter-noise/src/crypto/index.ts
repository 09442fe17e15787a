import { createCipheriv, createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto'
import { ChaCha20Poly1305, newInstance } from '@chainsafe/as-chacha20poly1305'
import { InvalidMessageError, InvalidParametersError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { DH_KEY_BYTES, NOISE_LENGTH_PREFIX_BYTES, NOISE_MAX_PLAINTEXT_BYTES, NOISE_TAG_BYTES } from '../constants.js'
import { DecryptionFailedError } from '../errors.js'
import { writeNonce } from './nonce.js'
import type { AEAD, DHKeyPair, NoiseCrypto } from './types.js'
import type { KeyObject } from 'node:crypto'

/**
 * Node.js: node:crypto (OpenSSL) for every primitive (short AEAD messages excepted, see
 * SMALL_MESSAGE_BYTES). X25519 keys stay KeyObjects for the life of
 * the key pair and remote public keys are imported through JWK, which is several times cheaper
 * than a DER import per operation.
 */

const EMPTY = new Uint8Array(0)
const ONE = Uint8Array.of(1)
const TWO = Uint8Array.of(2)
/** PKCS#8 wrapping of a raw X25519 private key (RFC 8410), for the one-off import of a static key */
const PKCS8_X25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])

class NodeKeyPair implements DHKeyPair {
  readonly publicKey: Uint8Array
  readonly keyObject: KeyObject

  constructor (privateKey: KeyObject, publicKey: KeyObject) {
    this.keyObject = privateKey
    this.publicKey = fromBase64url(publicKey.export({ format: 'jwk' }).x)
  }

  get privateKey (): Uint8Array {
    return fromBase64url(this.keyObject.export({ format: 'jwk' }).d)
  }
}

function fromBase64url (s: string | undefined): Uint8Array {
  const buf = Buffer.from(s ?? '', 'base64url')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

function asBuffer (u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength)
}

/** remote public keys are used for two DHs each: import once per key object */
const importedPublicKeys = new WeakMap<Uint8Array, KeyObject>()

function importPublicKey (raw: Uint8Array): KeyObject {
  let key = importedPublicKeys.get(raw)
  if (key == null) {
    if (raw.byteLength !== DH_KEY_BYTES) {
      throw new InvalidMessageError(`an X25519 public key has ${DH_KEY_BYTES} bytes, not ${raw.byteLength}`)
    }
    key = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: asBuffer(raw).toString('base64url') }, format: 'jwk' })
    importedPublicKeys.set(raw, key)
  }
  return key
}

// one nonce buffer for every cipher: seal and open are synchronous, and a Buffer + DataView per
// direction of every connection is ~250 bytes that an idle connection need not keep
const NONCE = Buffer.alloc(12)
const NONCE_VIEW = new DataView(NONCE.buffer, NONCE.byteOffset, 12)

/**
 * Messages shorter than this are sealed and opened in WebAssembly (@chainsafe/as-chacha20poly1305)
 * instead of by node:crypto. OpenSSL's throughput wins on large messages, but every node:crypto
 * message costs a Cipheriv, OpenSSL's cipher set-up and four calls into C++ with their buffers:
 * ~5.5 us here whatever the size, against ~2-4 us up to a few hundred bytes in WebAssembly (the
 * crossover is between 256 and 1024 bytes on this machine). Handshake messages, pings, window
 * updates and stream set-up frames are all small.
 *
 * Its tag comparison is not constant-time; Noise ends the connection at the first message that
 * fails authentication, so a forger gets one guess per key and nonce, never the repeated tries a
 * timing attack needs.
 */
const SMALL_MESSAGE_BYTES = 512
/** the WebAssembly cipher takes at most this much associated data (Noise uses 0 or a 32-byte hash) */
const SMALL_MAX_AD_BYTES = 32
let small: ChaCha20Poly1305 | undefined

function smallCipher (): ChaCha20Poly1305 {
  small ??= new ChaCha20Poly1305(newInstance())
  return small
}

/** where sealFrame() gathers a message that comes in parts; shared, as sealing is synchronous */
let gathered: Uint8Array | undefined

function gather (parts: Uint8ArrayList): Uint8Array {
  if (parts.byteLength > NOISE_MAX_PLAINTEXT_BYTES) {
    throw new InvalidParametersError(`a Noise message holds at most ${NOISE_MAX_PLAINTEXT_BYTES} plaintext bytes, not ${parts.byteLength}`)
  }
  let out: Uint8Array | undefined
  let at = 0
  for (const part of parts) {
    // one part (or none): no copy
    if (at === 0 && part.byteLength === parts.byteLength) { return part }
    out ??= (gathered ??= new Uint8Array(NOISE_MAX_PLAINTEXT_BYTES))
    out.set(part, at)
    at += part.byteLength
  }
  return out?.subarray(0, at) ?? EMPTY
}

class NodeAEAD implements AEAD {
  /** the raw key: node:crypto takes it as it takes a KeyObject (measured: no faster with one) */
  readonly #key: Uint8Array

  constructor (key: Uint8Array) {
    this.#key = key
  }

  seal (nonce: number, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    writeNonce(NONCE_VIEW, nonce)
    if (plaintext.byteLength < SMALL_MESSAGE_BYTES && ad.byteLength <= SMALL_MAX_AD_BYTES) {
      return smallCipher().seal(this.#key, NONCE, plaintext, ad)
    }
    const cipher = createCipheriv('chacha20-poly1305', this.#key, NONCE, { authTagLength: NOISE_TAG_BYTES })
    if (ad.byteLength > 0) { cipher.setAAD(ad, { plaintextLength: plaintext.byteLength }) }
    const out = Buffer.allocUnsafe(plaintext.byteLength + NOISE_TAG_BYTES)
    out.set(cipher.update(plaintext), 0)
    cipher.final()
    out.set(cipher.getAuthTag(), plaintext.byteLength)
    return out
  }

  sealFrame (nonce: number, plaintext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList {
    writeNonce(NONCE_VIEW, nonce)
    if (plaintext.byteLength < SMALL_MESSAGE_BYTES) {
      const sealedLength = plaintext.byteLength + NOISE_TAG_BYTES
      const frame = new Uint8Array(NOISE_LENGTH_PREFIX_BYTES + sealedLength)
      frame[0] = sealedLength >>> 8
      frame[1] = sealedLength & 0xff
      const input = plaintext instanceof Uint8Array ? plaintext : plaintext.subarray()
      smallCipher().seal(this.#key, NONCE, input, EMPTY, frame.subarray(NOISE_LENGTH_PREFIX_BYTES))
      return frame
    }
    const cipher = createCipheriv('chacha20-poly1305', this.#key, NONCE, { authTagLength: NOISE_TAG_BYTES })
    const length = plaintext.byteLength + NOISE_TAG_BYTES
    const header = Buffer.allocUnsafe(NOISE_LENGTH_PREFIX_BYTES)
    header[0] = length >>> 8
    header[1] = length & 0xff
    // a message in parts (a data frame's tail, the next frame's header, its data) is copied into
    // one shared buffer first: one cipher call and one ciphertext Buffer instead of one per part.
    // node:crypto allocates the ciphertext itself, so the buffer is free again on return.
    const ciphertext = cipher.update(plaintext instanceof Uint8Array ? plaintext : gather(plaintext))
    cipher.final()
    return new Uint8ArrayList(header, ciphertext, cipher.getAuthTag())
  }

  open (nonce: number, ad: Uint8Array, ciphertext: Uint8Array | Uint8ArrayList): Uint8Array | Uint8ArrayList {
    const length = ciphertext.byteLength - NOISE_TAG_BYTES
    if (length < 0) {
      throw new DecryptionFailedError(`a Noise ciphertext has at least ${NOISE_TAG_BYTES} bytes, not ${ciphertext.byteLength}`)
    }
    writeNonce(NONCE_VIEW, nonce)
    if (ciphertext.byteLength < SMALL_MESSAGE_BYTES && ad.byteLength <= SMALL_MAX_AD_BYTES) {
      const input = ciphertext instanceof Uint8Array ? ciphertext : ciphertext.subarray()
      const plaintext = smallCipher().open(this.#key, NONCE, input, ad)
      if (plaintext == null) {
        throw new DecryptionFailedError('a Noise message failed authentication')
      }
      return plaintext
    }
    const decipher = createDecipheriv('chacha20-poly1305', this.#key, NONCE, { authTagLength: NOISE_TAG_BYTES })
    if (ad.byteLength > 0) { decipher.setAAD(ad, { plaintextLength: length }) }
    let out: Uint8Array | Uint8ArrayList
    if (ciphertext instanceof Uint8Array) {
      decipher.setAuthTag(ciphertext.subarray(length))
      out = decipher.update(ciphertext.subarray(0, length))
    } else {
      decipher.setAuthTag(ciphertext.subarray(length))
      let list: Uint8ArrayList | undefined
      out = EMPTY
      for (const chunk of ciphertext.sublist(0, length)) {
        const plain = decipher.update(chunk)
        if (plain.byteLength === 0) { continue }
        if (list != null) {
          list.append(plain)
        } else if (out.byteLength === 0) {
          out = plain
        } else {
          list = new Uint8ArrayList(out, plain)
          out = list
        }
      }
    }
    try {
      decipher.final()
    } catch {
      throw new DecryptionFailedError('a Noise message failed authentication')
    }
    return out
  }
}

export const crypto: NoiseCrypto = {
  generateKeyPair (): DHKeyPair {
    const { privateKey, publicKey } = generateKeyPairSync('x25519')
    return new NodeKeyPair(privateKey, publicKey)
  },

  keyPairFromPrivateKey (privateKey: Uint8Array): DHKeyPair {
    if (privateKey.byteLength !== DH_KEY_BYTES) {
      throw new InvalidParametersError(`an X25519 private key has ${DH_KEY_BYTES} bytes, not ${privateKey.byteLength}`)
    }
    const der = Buffer.concat([PKCS8_X25519_PREFIX, privateKey])
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    return new NodeKeyPair(key, createPublicKey(key))
  },

  dh (local: DHKeyPair, remotePublicKey: Uint8Array): Uint8Array {
    const publicKey = importPublicKey(remotePublicKey)
    try {
      return diffieHellman({ privateKey: (local as NodeKeyPair).keyObject, publicKey })
    } catch {
      // OpenSSL refuses low-order points, whose shared secret would be all zeros
      throw new InvalidMessageError('the remote X25519 public key is not usable (low-order point)')
    }
  },

  sha256 (a: Uint8Array, b?: Uint8Array): Uint8Array {
    const hash = createHash('sha256').update(a)
    if (b != null) { hash.update(b) }
    return hash.digest()
  },

  hkdf (chainingKey: Uint8Array, inputKeyMaterial: Uint8Array): [Uint8Array, Uint8Array] {
    // Noise section 4.3 written out: three HMACs cost less than one hkdfSync() call here
    const tempKey = createHmac('sha256', chainingKey).update(inputKeyMaterial).digest()
    const output1 = createHmac('sha256', tempKey).update(ONE).digest()
    const output2 = createHmac('sha256', tempKey).update(output1).update(TWO).digest()
    return [output1, output2]
  },

  createAEAD (key: Uint8Array): AEAD {
    return new NodeAEAD(key)
  }
}
