import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidMessageError, InvalidParametersError, LimitExceededError } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { Peer as PeerPB } from './pb/peer.js'
import type { Address, Peer, PeerData, PeerId, Tag, TagOptions } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface PeerStoreLimits {
  maxAddressesPerPeer: number
  maxProtocolsPerPeer: number
  maxMetadataPerPeer: number
  maxMetadataValueBytes: number
  maxTagsPerPeer: number
  addressTtlMs: number
}

/**
 * The stored form: Peer plus expiry times that the public Peer does not show. Bytes are
 * ArrayBuffer-backed (what the generated protobuf types ask for): every input is copied in with slice().
 */
export interface StoredPeer {
  addresses: Array<Address & { expires: number }>
  protocols: string[]
  /** the public key protobuf */
  publicKey?: Uint8Array<ArrayBuffer>
  peerRecordEnvelope?: Uint8Array<ArrayBuffer>
  metadata: Map<string, Uint8Array<ArrayBuffer>>
  tags: Map<string, Tag & { expires: number }>
  updated: number
}

export function emptyPeer (): StoredPeer {
  return { addresses: [], protocols: [], metadata: new Map(), tags: new Map(), updated: 0 }
}

export function decodePeer (bytes: Uint8Array): StoredPeer {
  try {
    const pb = PeerPB.decode(bytes)
    return {
      addresses: pb.addresses.map(a => ({ multiaddr: multiaddr(a.multiaddr), isCertified: a.isCertified === true, expires: Number(a.expires) })),
      protocols: pb.protocols,
      publicKey: pb.publicKey,
      peerRecordEnvelope: pb.peerRecordEnvelope,
      metadata: pb.metadata,
      tags: new Map([...pb.tags].map(([k, t]) => [k, { value: t.value, expires: Number(t.expires) }])),
      updated: Number(pb.updated)
    }
  } catch (err: any) {
    throw new InvalidMessageError(`stored peer record does not decode: ${err?.message ?? err}`)
  }
}

/** a time in ms as a uint64: fractional times (a fractional ttl or clock) round up */
function uint64Ms (ms: number): bigint {
  return BigInt(Math.max(0, Math.ceil(ms)))
}

export function encodePeer (peer: StoredPeer): Uint8Array {
  return PeerPB.encode({
    addresses: peer.addresses.map(a => ({ multiaddr: a.multiaddr.bytes, isCertified: a.isCertified, expires: uint64Ms(a.expires) })),
    protocols: peer.protocols,
    publicKey: peer.publicKey,
    peerRecordEnvelope: peer.peerRecordEnvelope,
    metadata: peer.metadata,
    tags: new Map([...peer.tags].map(([k, t]) => [k, { value: t.value, expires: uint64Ms(t.expires) }])),
    updated: uint64Ms(peer.updated)
  })
}

/** The public view: expired addresses and tags are left out; bytes are copies, so callers cannot change the cache */
/**
 * The stored peer as the API returns it. Its id carries the stored public key when the id asked
 * for does not (an RSA id is a hash of the key), so `peer.id.publicKey` is known once learnt.
 */
export function toPeer (id: PeerId, stored: StoredPeer, now: number): Peer {
  return {
    id: id.publicKey == null && stored.publicKey != null ? withKey(id, stored.publicKey) : id,
    addresses: stored.addresses.filter(a => a.expires === 0 || a.expires > now).map(a => ({ multiaddr: a.multiaddr, isCertified: a.isCertified })),
    protocols: [...stored.protocols],
    metadata: new Map([...stored.metadata].map(([k, v]) => [k, v.slice()])),
    tags: new Map([...stored.tags].filter(([, t]) => t.expires === 0 || t.expires > now).map(([k, t]) => [k, { value: t.value }])),
    peerRecordEnvelope: stored.peerRecordEnvelope?.slice()
  }
}

function withKey (id: PeerId, publicKey: Uint8Array): PeerId {
  try {
    const keyed = peerIdFromPublicKey(publicKeyFromProtobuf(publicKey))
    return keyed.equals(id) ? keyed : id
  } catch {
    // a stored key that no longer decodes (e.g. a key type dropped since): the bare id still works
    return id
  }
}

function entries<V> (m: Map<string, V> | Record<string, V>): Array<[string, V]> {
  return m instanceof Map ? [...m] : Object.entries(m)
}

type Mode = 'replace' | 'patch' | 'merge'

/**
 * Apply `data` to `peer`. mode 'replace' (save) starts from nothing, 'patch' replaces the given
 * fields, 'merge' adds to them. Every list is capped by `limits`.
 *
 * Addresses and protocols past their caps are trimmed (a remote that announces too many must not
 * make the whole update fail), and `onTrim` is told what was left out.
 *
 * @throws {InvalidParametersError} for data of the wrong shape
 * @throws {LimitExceededError} when a cap on metadata or tags (set by this node, not learned) is hit
 */
export function applyPeerData (peer: StoredPeer, data: PeerData, mode: Mode, limits: PeerStoreLimits, now: number, onTrim?: OnTrim): StoredPeer {
  // expired addresses and tags are dropped here, so they neither count against a cap nor stay stored
  const live = (expires: number): boolean => expires === 0 || expires > now
  const out: StoredPeer = mode === 'replace'
    ? emptyPeer()
    : {
        ...peer,
        metadata: new Map(peer.metadata),
        tags: new Map([...peer.tags].filter(([, t]) => live(t.expires))),
        addresses: peer.addresses.filter(a => live(a.expires))
      }
  if (data.addresses != null || data.multiaddrs != null) {
    const expires = limits.addressTtlMs > 0 ? now + limits.addressTtlMs : 0
    out.addresses = mergeAddresses(mode === 'merge' ? out.addresses : [], incomingAddresses(data), expires, limits.maxAddressesPerPeer)
  }
  if (data.protocols != null) {
    out.protocols = applyProtocols(mode === 'merge' ? out.protocols : [], data.protocols, limits, onTrim)
  }
  if (data.metadata != null) {
    out.metadata = applyMetadata(mode === 'merge' ? out.metadata : new Map(), data.metadata, limits)
  }
  if (data.tags != null) {
    out.tags = applyTags(mode === 'merge' ? out.tags : new Map(), data.tags, limits, now)
  }
  if (data.publicKey != null) { out.publicKey = publicKeyToProtobuf(data.publicKey) }
  if (data.peerRecordEnvelope != null) {
    if (!(data.peerRecordEnvelope instanceof Uint8Array)) { throw new InvalidParametersError('peerRecordEnvelope must be a Uint8Array') }
    out.peerRecordEnvelope = data.peerRecordEnvelope.slice()
  }
  out.updated = now
  return out
}

function incomingAddresses (data: PeerData): Address[] {
  const { addresses = [], multiaddrs = [] } = data
  if (!Array.isArray(addresses) || !Array.isArray(multiaddrs)) { throw new InvalidParametersError('addresses and multiaddrs must be arrays') }
  const incoming: Address[] = [...addresses, ...multiaddrs.map(multiaddr => ({ multiaddr, isCertified: false }))]
  for (const a of incoming) {
    if (a == null || !isMultiaddr(a.multiaddr)) { throw new InvalidParametersError('an address must be a Multiaddr') }
  }
  return incoming
}

/** told which capped list was trimmed, and by how many entries */
export type OnTrim = (limit: keyof PeerStoreLimits, dropped: number) => void

/**
 * Protocols already stored (merge) stay; the given ones are added in the order given until
 * maxProtocolsPerPeer, and the rest are left out (reported to `onTrim`)
 */
function applyProtocols (existing: string[], given: string[], limits: PeerStoreLimits, onTrim?: OnTrim): string[] {
  if (!Array.isArray(given) || given.some(p => typeof p !== 'string')) { throw new InvalidParametersError('protocols must be an array of strings') }
  const protocols = new Set(existing.slice(0, limits.maxProtocolsPerPeer))
  let dropped = 0
  for (const p of given) {
    if (protocols.has(p)) { continue }
    if (protocols.size >= limits.maxProtocolsPerPeer) {
      dropped++
      continue
    }
    protocols.add(p)
  }
  if (dropped > 0) { onTrim?.('maxProtocolsPerPeer', dropped) }
  return [...protocols].sort()
}

function applyMetadata (out: StoredPeer['metadata'], given: NonNullable<PeerData['metadata']>, limits: PeerStoreLimits): StoredPeer['metadata'] {
  for (const [k, v] of entries(given)) {
    if (v == null) {
      out.delete(k)
      continue
    }
    if (!(v instanceof Uint8Array)) { throw new InvalidParametersError(`metadata ${k} must be a Uint8Array`) }
    if (v.byteLength > limits.maxMetadataValueBytes) {
      throw new LimitExceededError('maxMetadataValueBytes', limits.maxMetadataValueBytes, `metadata ${k} is too large`)
    }
    out.set(k, v.slice())
  }
  if (out.size > limits.maxMetadataPerPeer) {
    throw new LimitExceededError('maxMetadataPerPeer', limits.maxMetadataPerPeer, 'too many metadata entries for one peer')
  }
  return out
}

function applyTags (out: StoredPeer['tags'], given: NonNullable<PeerData['tags']>, limits: PeerStoreLimits, now: number): StoredPeer['tags'] {
  for (const [k, t] of entries<TagOptions | undefined>(given)) {
    if (t == null) {
      out.delete(k)
      continue
    }
    const value = t.value ?? 0
    if (!Number.isInteger(value) || value < 0 || value > 100) { throw new InvalidParametersError(`tag ${k}: a tag value is an integer 0-100`) }
    if (t.ttl != null && (!Number.isFinite(t.ttl) || t.ttl < 0)) { throw new InvalidParametersError(`tag ${k}: a ttl is a finite number of ms >= 0`) }
    out.set(k, { value, expires: t.ttl == null ? 0 : now + t.ttl })
  }
  if (out.size > limits.maxTagsPerPeer) {
    throw new LimitExceededError('maxTagsPerPeer', limits.maxTagsPerPeer, 'too many tags for one peer')
  }
  return out
}

/** newest first wins; certified addresses survive the cap before uncertified ones */
function mergeAddresses (existing: StoredPeer['addresses'], incoming: Address[], expires: number, max: number): StoredPeer['addresses'] {
  const byKey = new Map<string, StoredPeer['addresses'][number]>()
  for (const a of existing) { byKey.set(a.multiaddr.toString(), a) }
  for (const a of incoming) {
    const key = a.multiaddr.toString()
    const prev = byKey.get(key)
    byKey.delete(key) // re-insert so newer addresses sort last
    const isCertified = a.isCertified || (prev?.isCertified ?? false)
    // certified addresses never expire, even when seen again without a record
    byKey.set(key, { multiaddr: a.multiaddr as Multiaddr, isCertified, expires: isCertified ? 0 : expires })
  }
  let all = [...byKey.values()]
  if (all.length > max) {
    // keep the newest certified addresses, then fill what room is left with the newest others
    // (slice(-0) would keep everything, so no room means none)
    const certified = max > 0 ? all.filter(a => a.isCertified).slice(-max) : []
    const room = max - certified.length
    all = [...certified, ...(room > 0 ? all.filter(a => !a.isCertified).slice(-room) : [])]
  }
  return all
}
