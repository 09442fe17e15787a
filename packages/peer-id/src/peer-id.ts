/**
 * The PeerId value: an immutable multihash (identity for inline keys, sha2-256 otherwise), the
 * key type, and the public key when it is known. Text and CID forms are computed once, on first use.
 */
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { LIBP2P_KEY_CODE } from './constants.js'
import { multihashFromString } from './multihash.js'
import type { PeerId, PeerIdType } from '@libp2p/interface'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/**
 * Brands every PeerId made by this package. It is a registered symbol, so two copies of the
 * package in one bundle recognise each other's ids.
 */
export const peerIdSymbol = Symbol.for('@libp2p/peer-id')

const inspect = Symbol.for('nodejs.util.inspect.custom')

/** true when `other` is a PeerId made by (any copy of) this package */
export function isPeerId (other: unknown): other is PeerId {
  return other != null && typeof other === 'object' && (other as Record<symbol, unknown>)[peerIdSymbol] === true
}

export class PeerIdImpl<T extends PeerIdType, K, H extends number> {
  readonly type: T
  readonly publicKey: K
  readonly [peerIdSymbol] = true
  readonly #multihash: MultihashDigest<H>
  #string?: string
  #cid?: CID<unknown, typeof LIBP2P_KEY_CODE, H, 1>

  constructor (type: T, publicKey: K, multihash: MultihashDigest<H>) {
    this.type = type
    this.publicKey = publicKey
    this.#multihash = multihash
  }

  /** base58btc of the multihash, without the multibase prefix */
  toString (): string {
    if (this.#string == null) {
      const string = base58btc.baseEncode(this.#multihash.bytes)
      // the encoder appends a character at a time, and V8 keeps such a string as a chain of ~40
      // cons-string nodes (~1.3 KiB for a 52-character id) until it is read character-wise: reading
      // one flattens it into a single ~80-byte string, kept as long as this peer id (one per
      // connection on a relay: bench/micro/relay-memory.mjs)
      string.charCodeAt(0)
      this.#string = string
    }
    return this.#string
  }

  toCID (): CID<unknown, typeof LIBP2P_KEY_CODE, H, 1> {
    this.#cid ??= CID.createV1(LIBP2P_KEY_CODE, this.#multihash)
    return this.#cid
  }

  toMultihash (): MultihashDigest<H> {
    return this.#multihash
  }

  /** JSON.stringify gives the canonical string */
  toJSON (): string {
    return this.toString()
  }

  equals (other?: PeerId | Uint8Array | string): boolean {
    if (other == null) {
      return false
    }

    if (other instanceof Uint8Array) {
      return uint8ArrayEquals(this.#multihash.bytes, other)
    }

    if (typeof other === 'string') {
      if (other === this.toString()) {
        return true
      }

      try {
        return uint8ArrayEquals(this.#multihash.bytes, multihashFromString(other).bytes)
      } catch {
        return false
      }
    }

    if (typeof other.toMultihash === 'function') {
      return uint8ArrayEquals(this.#multihash.bytes, other.toMultihash().bytes)
    }

    return false
  }

  get [Symbol.toStringTag] (): string {
    return `PeerId(${this.toString()})`
  }

  /** what console.log and util.inspect show in Node.js */
  [inspect] (): string {
    return `PeerId(${this.toString()})`
  }
}
