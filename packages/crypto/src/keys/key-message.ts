/**
 * The libp2p key protobuf (specs/libp2p/peer-ids): `{ Type, Data }` for public and private keys.
 * Encoding is deterministic (both fields, tag order, minimal varints). Decoding accepts what
 * protobuf accepts and turns every failure into a typed error.
 */
import { InvalidMessageError, UnsupportedKeyTypeError } from '@libp2p/interface'
import * as pb from '../pb/keys.js'
import { toArrayBufferView } from '../util/bytes.js'
import type { KeyType } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

const TO_PB: Record<KeyType, pb.KeyType> = {
  RSA: pb.KeyType.RSA,
  Ed25519: pb.KeyType.Ed25519,
  secp256k1: pb.KeyType.secp256k1,
  ECDSA: pb.KeyType.ECDSA
}

const FROM_PB: Record<pb.KeyType, KeyType> = {
  [pb.KeyType.RSA]: 'RSA',
  [pb.KeyType.Ed25519]: 'Ed25519',
  [pb.KeyType.secp256k1]: 'secp256k1',
  [pb.KeyType.ECDSA]: 'ECDSA'
}

/** The largest key `Type` the protobuf knows; anything above is a key type of a newer spec */
const MAX_KNOWN_TYPE = 3

export interface KeyMessage {
  type: KeyType
  data: Uint8Array
}

export function encodePublicKeyMessage (type: KeyType, data: Uint8Array): Uint8Array<ArrayBuffer> {
  return pb.PublicKey.encode({ Type: TO_PB[type], Data: toArrayBufferView(data) })
}

export function encodePrivateKeyMessage (type: KeyType, data: Uint8Array): Uint8Array {
  return pb.PrivateKey.encode({ Type: TO_PB[type], Data: toArrayBufferView(data) })
}

export function decodePublicKeyMessage (buf: Uint8Array | Uint8ArrayList): KeyMessage {
  return decode(buf, pb.PublicKey.decode)
}

export function decodePrivateKeyMessage (buf: Uint8Array | Uint8ArrayList): KeyMessage {
  return decode(buf, pb.PrivateKey.decode)
}

function decode (buf: Uint8Array | Uint8ArrayList, decoder: (buf: Uint8Array | Uint8ArrayList) => pb.PublicKey | pb.PrivateKey): KeyMessage {
  let message: pb.PublicKey | pb.PrivateKey

  try {
    message = decoder(buf)
  } catch (err: any) {
    // protons throws plain Errors; an out-of-range enum is the one we can name more precisely
    if (err?.message === 'Invalid enum value') {
      throw new UnsupportedKeyTypeError(`Unknown key type in key protobuf (known: 0..${MAX_KNOWN_TYPE})`)
    }

    throw new InvalidMessageError(`Invalid key protobuf: ${String(err?.message ?? err)}`)
  }

  if (message.Type == null || message.Data == null) {
    throw new InvalidMessageError('Key protobuf lacks its Type or Data field')
  }

  const type = FROM_PB[message.Type]

  if (type == null) {
    throw new UnsupportedKeyTypeError('Unknown key type in key protobuf')
  }

  return { type, data: message.Data }
}
