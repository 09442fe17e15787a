/** Keys from their own encodings (`key.raw`), with the type given or inferred from the bytes */
import { InvalidPrivateKeyError, InvalidPublicKeyError, UnsupportedKeyTypeError } from '@libp2p/interface'
import { ED25519_PRIVATE_KEY_BYTES, ED25519_PUBLIC_KEY_BYTES, SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES, SECP256K1_PRIVATE_KEY_BYTES } from '../constants.js'
import { children, decodeSequence, expectTag, readSmallInteger, TAG_OID, TAG_SEQUENCE } from '../util/der.js'
import { isECDSAPublicKey, isJsLibp2pECDSAPublicKey } from './ecdsa/der.js'
import { ecdsaPrivateKeyFromDER, ecdsaPublicKeyFromDER } from './ecdsa/index.js'
import { ed25519PrivateKeyFromRaw, ed25519PublicKeyFromRaw } from './ed25519/index.js'
import { rsaPrivateKeyFromDER, rsaPublicKeyFromDER } from './rsa/index.js'
import { secp256k1PrivateKeyFromRaw, secp256k1PublicKeyFromRaw } from './secp256k1/index.js'
import type { KeyType, PrivateKey, PublicKey } from '@libp2p/interface'

/**
 * A public key from its raw encoding. Without `type`: 32 bytes are Ed25519, 33 bytes secp256k1
 * (compressed), anything else a DER SubjectPublicKeyInfo whose algorithm says RSA or ECDSA, or
 * js-libp2p's ECDSA encoding (SEQUENCE { 1, [0] curve, [1] point }).
 */
export function publicKeyFromRaw (buf: Uint8Array, type?: KeyType): PublicKey {
  switch (type ?? inferPublicKeyType(buf)) {
    case 'Ed25519': return ed25519PublicKeyFromRaw(buf)
    case 'secp256k1': return secp256k1PublicKeyFromRaw(buf)
    case 'RSA': return rsaPublicKeyFromDER(buf)
    case 'ECDSA': return ecdsaPublicKeyFromDER(buf)
    default: throw new UnsupportedKeyTypeError(`Unsupported key type ${String(type)}`)
  }
}

/**
 * A private key from its raw encoding. Without `type`: 64 bytes are Ed25519 (seed || public key),
 * 32 bytes secp256k1, anything else DER: PKCS#1 RSAPrivateKey (version 0) or SEC1 ECPrivateKey
 * (version 1). A bare 32-byte Ed25519 seed needs `type` 'Ed25519' (or generateKeyPairFromSeed).
 */
export function privateKeyFromRaw (buf: Uint8Array, type?: KeyType): PrivateKey {
  switch (type ?? inferPrivateKeyType(buf)) {
    case 'Ed25519': return ed25519PrivateKeyFromRaw(buf)
    case 'secp256k1': return secp256k1PrivateKeyFromRaw(buf)
    case 'RSA': return rsaPrivateKeyFromDER(buf)
    case 'ECDSA': return ecdsaPrivateKeyFromDER(buf)
    default: throw new UnsupportedKeyTypeError(`Unsupported key type ${String(type)}`)
  }
}

function inferPublicKeyType (buf: Uint8Array): KeyType {
  if (buf.byteLength === ED25519_PUBLIC_KEY_BYTES) {
    return 'Ed25519'
  }

  if (buf.byteLength === SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES) {
    return 'secp256k1'
  }

  let algorithm: Uint8Array

  try {
    const elements = decodeSequence(buf)

    if (isJsLibp2pECDSAPublicKey(elements)) {
      return 'ECDSA'
    }

    algorithm = expectTag(children(expectTag(elements[0], TAG_SEQUENCE))[0], TAG_OID).value
  } catch {
    throw new InvalidPublicKeyError(`A raw public key of ${buf.byteLength} bytes is neither Ed25519, secp256k1, a DER SubjectPublicKeyInfo nor js-libp2p's ECDSA encoding`)
  }

  // anything not EC is handed to the RSA parser, which names a foreign algorithm in its error
  return isECDSAPublicKey(algorithm) ? 'ECDSA' : 'RSA'
}

function inferPrivateKeyType (buf: Uint8Array): KeyType {
  if (buf.byteLength === ED25519_PRIVATE_KEY_BYTES) {
    return 'Ed25519'
  }

  if (buf.byteLength === SECP256K1_PRIVATE_KEY_BYTES) {
    return 'secp256k1'
  }

  let version: number

  try {
    version = readSmallInteger(decodeSequence(buf)[0])
  } catch {
    version = -1
  }

  if (version === 0) {
    return 'RSA'
  }

  if (version === 1) {
    return 'ECDSA'
  }

  throw new InvalidPrivateKeyError(`A raw private key of ${buf.byteLength} bytes is neither Ed25519, secp256k1, PKCS#1 nor SEC1`)
}
