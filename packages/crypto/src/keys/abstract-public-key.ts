import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { identity } from 'multiformats/hashes/identity'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { LIBP2P_KEY_CODEC, MAX_INLINE_KEY_BYTES } from '../constants.js'
import { sha256 } from '../hash/sha256.js'
import { encodePublicKeyMessage } from './key-message.js'
import type { AbortOptions, Await, KeyType, PublicKey } from '@libp2p/interface'
import type { MultihashDigest } from 'multiformats/hashes/interface'

const SHA2_256_CODE = 0x12

/**
 * What every public key shares: the peer id forms (multihash, CID, base58btc string), computed
 * once from the deterministic protobuf encoding, and equality by type and bytes
 */
export abstract class AbstractPublicKey<T extends KeyType, H extends number> {
  abstract readonly type: T
  readonly raw: Uint8Array
  private multihash?: MultihashDigest<H>
  private cid?: CID<unknown, 0x72, H, 1>
  private string?: string

  constructor (raw: Uint8Array) {
    this.raw = raw
  }

  abstract verify (data: Uint8Array | Iterable<Uint8Array>, sig: Uint8Array, options?: AbortOptions): Await<boolean>

  equals (other?: PublicKey): boolean {
    return other != null && other.type === this.type && uint8ArrayEquals(other.raw, this.raw)
  }

  toMultihash (): MultihashDigest<H> {
    if (this.multihash == null) {
      const bytes = encodePublicKeyMessage(this.type, this.raw)
      // identity for short keys (Ed25519, secp256k1), sha256 otherwise (RSA, ECDSA): the subclass's H says which
      this.multihash = (bytes.byteLength <= MAX_INLINE_KEY_BYTES
        ? identity.digest(bytes)
        : createDigest(SHA2_256_CODE, sha256(bytes))) as MultihashDigest<any>
    }

    return this.multihash
  }

  toCID (): CID<unknown, 0x72, H, 1> {
    this.cid ??= CID.createV1(LIBP2P_KEY_CODEC, this.toMultihash())

    return this.cid
  }

  toString (): string {
    // base58btc without its multibase prefix: the legacy (and still preferred) peer id form
    this.string ??= base58btc.encode(this.toMultihash().bytes).slice(1)

    return this.string
  }
}
