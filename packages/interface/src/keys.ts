import type { Await } from './abort-options.js'
import type { CID } from 'multiformats/cid'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/** The key types of the libp2p key protobuf (specs/libp2p/peer-ids) */
export type KeyType = 'RSA' | 'Ed25519' | 'secp256k1' | 'ECDSA'

interface PublicKeyBase<T extends KeyType, H extends number> {
  readonly type: T
  /**
   * The key's own encoding: 32 bytes for Ed25519, 33 (compressed) for secp256k1,
   * DER SubjectPublicKeyInfo for RSA and ECDSA (as in the libp2p key protobuf's Data field).
   * An ECDSA key decoded from js-libp2p's non-standard shape keeps the bytes it arrived in, so its
   * peer id is the one the sender's bytes name.
   */
  readonly raw: Uint8Array
  /** true when `other` is a key of the same type and bytes */
  equals(other?: PublicKey): boolean
  /** the multihash a peer id is made from: identity for keys whose protobuf is <= 42 bytes, sha256 otherwise */
  toMultihash(): MultihashDigest<H>
  /** CIDv1 with the libp2p-key codec */
  toCID(): CID<unknown, 0x72, H, 1>
  /** the base58btc peer id string */
  toString(): string
  /** resolves false (never throws) for a malformed signature */
  verify(data: Uint8Array | Iterable<Uint8Array>, sig: Uint8Array, options?: { signal?: AbortSignal }): Await<boolean>
}

export interface Ed25519PublicKey extends PublicKeyBase<'Ed25519', 0x0> {}
export interface Secp256k1PublicKey extends PublicKeyBase<'secp256k1', 0x0> {}
export interface RSAPublicKey extends PublicKeyBase<'RSA', 0x12> {}
export interface ECDSAPublicKey extends PublicKeyBase<'ECDSA', 0x12> {}

export type PublicKey = Ed25519PublicKey | Secp256k1PublicKey | RSAPublicKey | ECDSAPublicKey

interface PrivateKeyBase<T extends KeyType, P extends PublicKey> {
  readonly type: T
  readonly publicKey: P
  /**
   * The key's own encoding: 64 bytes (seed || public) for Ed25519, 32 for secp256k1,
   * PKCS#1 DER for RSA, SEC1 ECPrivateKey DER (RFC 5915, as go-libp2p writes it) for ECDSA
   */
  readonly raw: Uint8Array
  equals(other?: PrivateKey): boolean
  sign(data: Uint8Array | Iterable<Uint8Array>, options?: { signal?: AbortSignal }): Await<Uint8Array>
}

export interface Ed25519PrivateKey extends PrivateKeyBase<'Ed25519', Ed25519PublicKey> {}
export interface Secp256k1PrivateKey extends PrivateKeyBase<'secp256k1', Secp256k1PublicKey> {}
export interface RSAPrivateKey extends PrivateKeyBase<'RSA', RSAPublicKey> {}
export interface ECDSAPrivateKey extends PrivateKeyBase<'ECDSA', ECDSAPublicKey> {}

export type PrivateKey = Ed25519PrivateKey | Secp256k1PrivateKey | RSAPrivateKey | ECDSAPrivateKey

const KEY_TYPES: ReadonlySet<unknown> = new Set<KeyType>(['RSA', 'Ed25519', 'secp256k1', 'ECDSA'])

/** A structural check (keys from another copy of @libp2p/crypto pass too), as js-libp2p has it */
export function isPublicKey (key: any): key is PublicKey {
  return key != null && KEY_TYPES.has(key.type) && key.raw instanceof Uint8Array &&
    ['equals', 'toMultihash', 'toCID', 'verify'].every(method => typeof key[method] === 'function')
}

/** A structural check whose `publicKey` must pass isPublicKey(), as js-libp2p has it */
export function isPrivateKey (key: any): key is PrivateKey {
  return key != null && KEY_TYPES.has(key.type) && key.raw instanceof Uint8Array && isPublicKey(key.publicKey) &&
    typeof key.equals === 'function' && typeof key.sign === 'function'
}
