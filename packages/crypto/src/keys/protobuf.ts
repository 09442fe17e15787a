/** Keys to and from the libp2p key protobuf (specs/libp2p/peer-ids) */
import { InvalidParametersError } from '@libp2p/interface'
import { identity } from 'multiformats/hashes/identity'
import { decodePrivateKeyMessage, decodePublicKeyMessage, encodePrivateKeyMessage, encodePublicKeyMessage } from './key-message.js'
import { privateKeyFromRaw, publicKeyFromRaw } from './raw.js'
import type { PrivateKey, PublicKey } from '@libp2p/interface'
import type { MultihashDigest } from 'multiformats/hashes/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export function publicKeyFromProtobuf (buf: Uint8Array | Uint8ArrayList): PublicKey {
  const { type, data } = decodePublicKeyMessage(buf)

  return publicKeyFromRaw(data, type)
}

export function publicKeyToProtobuf (key: PublicKey): Uint8Array<ArrayBuffer> {
  return encodePublicKeyMessage(key.type, key.raw)
}

export function privateKeyFromProtobuf (buf: Uint8Array | Uint8ArrayList): PrivateKey {
  const { type, data } = decodePrivateKeyMessage(buf)

  return privateKeyFromRaw(data, type)
}

export function privateKeyToProtobuf (key: PrivateKey): Uint8Array {
  return encodePrivateKeyMessage(key.type, key.raw)
}

/**
 * The public key inlined in an identity multihash (an Ed25519 or secp256k1 peer id). Other
 * multihashes only hash the key, so they throw InvalidParametersError.
 */
export function publicKeyFromMultihash (digest: MultihashDigest): PublicKey {
  if (digest.code !== identity.code) {
    throw new InvalidParametersError(`Only identity multihashes inline a public key, got multihash code 0x${digest.code.toString(16)}`)
  }

  return publicKeyFromProtobuf(digest.digest)
}
