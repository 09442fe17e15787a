import type { AbortOptions } from './abort-options.js'
import type { PublicKey } from './keys.js'
import type { PeerId, PeerInfo } from './peer-id.js'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface Address {
  multiaddr: Multiaddr
  /** true when the address came from a signed peer record of the peer itself */
  isCertified: boolean
}

/** The tag that keeps a connection to a peer open and redialled when it drops (js-libp2p's value) */
export const KEEP_ALIVE = 'keep-alive'

export interface Tag {
  /** 0-100; connections to peers with higher summed tag values are pruned last */
  value: number
}

export interface TagOptions {
  value?: number
  /** ms until the tag expires */
  ttl?: number
}

export interface Peer {
  id: PeerId
  addresses: Address[]
  protocols: string[]
  /** e.g. AgentVersion, ProtocolVersion (UTF-8 bytes) */
  metadata: Map<string, Uint8Array>
  tags: Map<string, Tag>
  /** the latest signed peer record envelope, marshalled */
  peerRecordEnvelope?: Uint8Array
}

export interface PeerData {
  multiaddrs?: Multiaddr[]
  addresses?: Address[]
  protocols?: string[]
  metadata?: Map<string, Uint8Array | undefined> | Record<string, Uint8Array | undefined>
  tags?: Map<string, TagOptions | undefined> | Record<string, TagOptions | undefined>
  publicKey?: PublicKey
  peerRecordEnvelope?: Uint8Array
}

export interface PeerQueryFilter { (peer: Peer): boolean }

/** js-libp2p's second argument of consumePeerRecord */
export interface ConsumePeerRecordOptions extends AbortOptions {
  /** the record must name this peer */
  expectedPeer?: PeerId
}
export interface PeerQuery extends AbortOptions {
  filters?: PeerQueryFilter[]
  limit?: number
}

/** Everything known about other peers, persisted through a datastore */
export interface PeerStore {
  all(query?: PeerQuery): Promise<Peer[]>
  has(peerId: PeerId, options?: AbortOptions): Promise<boolean>
  /** throws NotFoundError for an unknown peer */
  get(peerId: PeerId, options?: AbortOptions): Promise<Peer>
  /** the peer's id and addresses (throws NotFoundError for an unknown peer) */
  getInfo(peerId: PeerId, options?: AbortOptions): Promise<PeerInfo>
  /** replace all data of the peer */
  save(peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer>
  /** replace the given fields */
  patch(peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer>
  /** merge the given fields into what is stored */
  merge(peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer>
  delete(peerId: PeerId, options?: AbortOptions): Promise<void>
  /**
   * verify and store a signed peer record envelope; false when it is older than the stored one, does
   * not verify, or does not name the expected peer (given as js-libp2p does, `{ expectedPeer }`, or as
   * a PeerId followed by the options)
   */
  consumePeerRecord(envelope: Uint8Array, options?: ConsumePeerRecordOptions): Promise<boolean>
  consumePeerRecord(envelope: Uint8Array, expectedPeer?: PeerId, options?: AbortOptions): Promise<boolean>
}
