/**
 * The ways to get a PeerId: from a key (ours, or one proven in a handshake) or from a string,
 * CID or multihash (someone else's claim, so it is checked strictly).
 */
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidParametersError, InvalidPeerIdError, UnsupportedKeyTypeError } from '@libp2p/interface'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { IDENTITY_CODE, SHA256_CODE } from './constants.js'
import { checkMultihash, multihashFromCID, multihashFromString } from './multihash.js'
import { PeerIdImpl } from './peer-id.js'
import type { ECDSAPeerId, ECDSAPublicKey, Ed25519PeerId, Ed25519PublicKey, PeerId, PrivateKey, PublicKey, RSAPeerId, RSAPublicKey, Secp256k1PeerId, Secp256k1PublicKey, ECDSAPrivateKey, Ed25519PrivateKey, RSAPrivateKey, Secp256k1PrivateKey } from '@libp2p/interface'
import type { MultibaseDecoder } from 'multiformats/bases/interface'
import type { CID } from 'multiformats/cid'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/** The id of a public key, which it carries */
export function peerIdFromPublicKey (key: Ed25519PublicKey): Ed25519PeerId
export function peerIdFromPublicKey (key: Secp256k1PublicKey): Secp256k1PeerId
export function peerIdFromPublicKey (key: RSAPublicKey): RSAPeerId
export function peerIdFromPublicKey (key: ECDSAPublicKey): ECDSAPeerId
export function peerIdFromPublicKey (key: PublicKey): PeerId
export function peerIdFromPublicKey (key: PublicKey): PeerId {
  if (key == null || typeof key.toMultihash !== 'function') {
    throw new InvalidParametersError('Expected a public key')
  }

  // checked, then shared with the key instead of copied: the key computed it from its own bytes
  // and keeps it, and the id keeps the key, so a copy would be a second Digest and two more
  // buffers (~0.5 KiB) for every id made from a key, i.e. every connection's remote peer
  const multihash = key.toMultihash()
  checkMultihash(multihash)
  const inline = key.type === 'Ed25519' || key.type === 'secp256k1'

  if (inline !== (multihash.code === IDENTITY_CODE)) {
    throw new InvalidParametersError(`A ${key.type} key gave a multihash with code 0x${multihash.code.toString(16)}`)
  }

  switch (key.type) {
    case 'Ed25519':
      return new PeerIdImpl('Ed25519', key, multihash as MultihashDigest<typeof IDENTITY_CODE>)
    case 'secp256k1':
      return new PeerIdImpl('secp256k1', key, multihash as MultihashDigest<typeof IDENTITY_CODE>)
    case 'RSA':
      return new PeerIdImpl('RSA', key, multihash as MultihashDigest<typeof SHA256_CODE>)
    case 'ECDSA':
      return new PeerIdImpl('ECDSA', key, multihash as MultihashDigest<typeof SHA256_CODE>)
    default:
      throw new UnsupportedKeyTypeError(`Unknown key type ${(key as { type?: unknown }).type}`)
  }
}

/** The id of a private key's public half */
export function peerIdFromPrivateKey (key: Ed25519PrivateKey): Ed25519PeerId
export function peerIdFromPrivateKey (key: Secp256k1PrivateKey): Secp256k1PeerId
export function peerIdFromPrivateKey (key: RSAPrivateKey): RSAPeerId
export function peerIdFromPrivateKey (key: ECDSAPrivateKey): ECDSAPeerId
export function peerIdFromPrivateKey (key: PrivateKey): PeerId
export function peerIdFromPrivateKey (key: PrivateKey): PeerId {
  if (key?.publicKey == null) {
    throw new InvalidParametersError('Expected a private key')
  }

  return peerIdFromPublicKey(key.publicKey)
}

/**
 * The peer named by a multihash.
 *
 * An identity multihash holds the public key protobuf, which must be a valid Ed25519 or secp256k1
 * key in its canonical encoding (so one key has exactly one id); the id carries the key.
 * A sha2-256 multihash is the hash of a larger (RSA or ECDSA) key; the key is unknown, so the id
 * has no `publicKey` and is typed 'RSA' (ECDSA ids look the same until the key is seen).
 *
 * @throws {InvalidPeerIdError} when the multihash does not name a peer
 * @throws {InvalidParametersError} when the argument is not a multihash
 */
export function peerIdFromMultihash (multihash: MultihashDigest<number>): PeerId {
  const checked = checkMultihash(multihash)

  if (checked.code === SHA256_CODE) {
    return new PeerIdImpl('RSA', undefined, checked)
  }

  let key: PublicKey

  try {
    key = publicKeyFromProtobuf(checked.digest)
  } catch (err: any) {
    throw new InvalidPeerIdError(`The identity multihash does not hold a valid public key: ${err?.message}`, { cause: err })
  }

  if (key.type !== 'Ed25519' && key.type !== 'secp256k1') {
    throw new InvalidPeerIdError(`A ${key.type} key is never inlined in a peer id`)
  }

  if (!uint8ArrayEquals(publicKeyToProtobuf(key), checked.digest)) {
    throw new InvalidPeerIdError('The identity multihash holds a key that is not canonically encoded')
  }

  if (key.type === 'Ed25519') {
    return new PeerIdImpl('Ed25519', key, checked)
  }

  return new PeerIdImpl('secp256k1', key, checked)
}

/**
 * The peer named by a CIDv1 with the libp2p-key codec (0x72)
 *
 * @throws {InvalidPeerIdError} for another CID version or codec, or a multihash that names no peer
 * @throws {InvalidParametersError} when the argument is not a CID
 */
export function peerIdFromCID (cid: CID): PeerId {
  return peerIdFromMultihash(multihashFromCID(cid))
}

/**
 * The peer named by a string: base58btc `Qm...` / `1...` (e.g. `12D3KooW...`, `16Uiu2HA...`),
 * or a CIDv1 in any multibase (`bafz...`, `k51...`). Pass `decoder` to accept only one multibase.
 *
 * @throws {InvalidPeerIdError} when the string does not name a peer
 * @throws {InvalidParametersError} when the argument is not a string
 */
export function peerIdFromString (str: string, decoder?: MultibaseDecoder<string>): PeerId {
  return peerIdFromMultihash(multihashFromString(str, decoder))
}
