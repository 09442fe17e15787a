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

/**
 * The encoding is copied into a buffer of its own: protons writes small messages into a slice of
 * Node's shared 8 KiB Buffer pool, and a public key's encoding lives as long as the key (a peer id's
 * multihash, the peer store's record), so the slice kept its whole slab alive: a relay holding
 * connections kept ~2.7 KiB of slabs per connection for these 36-byte keys (bench/micro/relay-memory.mjs)
 */
export function encodePublicKeyMessage (type: KeyType, data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(pb.PublicKey.encode({ Type: TO_PB[type], Data: toArrayBufferView(data) }))
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
