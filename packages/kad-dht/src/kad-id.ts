import { sha256 } from '@noble/hashes/sha2.js'
import type { PeerId } from '@libp2p/interface'

/**
 * Positions in the Kademlia keyspace: the sha256 of a key (spec: distance is
 * XOR(sha256(key1), sha256(key2))). A peer's position is the sha256 of its id's multihash bytes,
 * which is what go and js hash (`peer.ID` bytes / `toMultihash().bytes`).
 */
export function kadId (key: Uint8Array): Uint8Array {
  return sha256(key)
}

export function peerKadId (peer: PeerId): Uint8Array {
  return kadId(peer.toMultihash().bytes)
}

/** a XOR b, byte by byte (both 32 bytes) */
export function xor (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) { out[i] = a[i] ^ b[i] }
  return out
}

/** <0, 0, >0 as distance a is smaller, equal, larger than distance b (big-endian) */
export function compareDistance (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) { return a[i] - b[i] }
  }
  return 0
}

/** which of a, b is closer to target: <0 when a is */
export function compareCloseness (target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < target.length; i++) {
    const da = a[i] ^ target[i]
    const db = b[i] ^ target[i]
    if (da !== db) { return da - db }
  }
  return 0
}

/** the number of leading bits a and b share (256 for equal ids): the bucket index of b seen from a */
export function commonPrefixLength (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ^ b[i]
    if (x !== 0) { return i * 8 + Math.clz32(x) - 24 }
  }
  return a.length * 8
}
