import type { Ed25519PublicKey, Secp256k1PublicKey, RSAPublicKey, ECDSAPublicKey } from './keys.js'
import type { CID } from 'multiformats/cid'
import type { MultihashDigest } from 'multiformats/hashes/interface'

export type PeerIdType = 'RSA' | 'Ed25519' | 'secp256k1' | 'ECDSA'

interface PeerIdBase<T extends PeerIdType, K, H extends number> {
  readonly type: T
  /**
   * The public key when the id embeds it (identity multihash) or it was learned later.
   * RSA and ECDSA ids are sha256 hashes, so their key is undefined until a handshake supplies it.
   */
  readonly publicKey: K
  /** base58btc of the multihash: the canonical text form */
  toString(): string
  /** CIDv1, libp2p-key codec (0x72) */
  toCID(): CID<unknown, 0x72, H, 1>
  toMultihash(): MultihashDigest<H>
  /** true for a PeerId, a multihash's bytes or a string that name the same peer */
  equals(other?: PeerId | Uint8Array | string): boolean
}

export interface Ed25519PeerId extends PeerIdBase<'Ed25519', Ed25519PublicKey, 0x0> {}
export interface Secp256k1PeerId extends PeerIdBase<'secp256k1', Secp256k1PublicKey, 0x0> {}
export interface RSAPeerId extends PeerIdBase<'RSA', RSAPublicKey | undefined, 0x12> {}
export interface ECDSAPeerId extends PeerIdBase<'ECDSA', ECDSAPublicKey | undefined, 0x12> {}

export type PeerId = Ed25519PeerId | Secp256k1PeerId | RSAPeerId | ECDSAPeerId

/** A peer and the addresses it may be reached at */
export interface PeerInfo {
  id: PeerId
  multiaddrs: import('@multiformats/multiaddr').Multiaddr[]
}

/** Brand set on PeerId objects by `@libp2p/peer-id` */
export const peerIdSymbol = Symbol.for('@libp2p/peer-id')

export function isPeerId (other: unknown): other is PeerId {
  if (other == null || typeof other !== 'object') { return false }
  if ((other as Record<symbol, unknown>)[peerIdSymbol] === true) { return true }
  const o = other as Partial<PeerId>
  return typeof o.toMultihash === 'function' && typeof o.toCID === 'function' && typeof o.type === 'string'
}
