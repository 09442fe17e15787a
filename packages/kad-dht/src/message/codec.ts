import { InvalidMessageError } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { MAX_ADDRS_PER_PEER, MAX_PEERS_PER_MESSAGE } from '../constants.js'
import { MessageType } from '../types.js'
import { Message } from './dht.js'
import type { PeerId, PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

/** How a sender says it can reach a peer it lists (informational: nothing here relies on it) */
export enum ConnectionType {
  NOT_CONNECTED = 0,
  CONNECTED = 1,
  CAN_CONNECT = 2,
  CANNOT_CONNECT = 3
}

/** A DHT message as the code here uses it: peers parsed, the record left as bytes */
export interface KadMessage {
  type: MessageType
  key?: Uint8Array
  /** an encoded Record: parsed by the record code after its size is checked */
  record?: Uint8Array
  closer: PeerInfo[]
  providers: PeerInfo[]
}

export function encodeMessage (message: KadMessage): Uint8Array {
  return Message.encode({
    // the generated codec's enums are the names
    type: MessageType[message.type] as Message.MessageType,
    clusterLevelRaw: 0,
    key: message.key as Uint8Array<ArrayBuffer> | undefined,
    record: message.record as Uint8Array<ArrayBuffer> | undefined,
    closerPeers: message.closer.map(toWirePeer),
    providerPeers: message.providers.map(toWirePeer)
  })
}

/**
 * Parses a message from the network. Peers whose id does not parse are dropped, and so are
 * addresses that do not parse (another implementation may know a protocol this one does not);
 * more than MAX_PEERS_PER_MESSAGE closer or provider peers is a flood: InvalidMessageError.
 */
export function decodeMessage (bytes: Uint8Array | Uint8ArrayList): KadMessage {
  let decoded: Message
  try {
    decoded = Message.decode(bytes, { limits: { closerPeers: MAX_PEERS_PER_MESSAGE, providerPeers: MAX_PEERS_PER_MESSAGE } })
  } catch (err: any) {
    throw new InvalidMessageError(`malformed DHT message: ${err?.message ?? err}`)
  }
  const type = messageTypeOf(decoded.type as unknown)
  return {
    type,
    key: decoded.key,
    record: decoded.record,
    closer: fromWirePeers(decoded.closerPeers),
    providers: fromWirePeers(decoded.providerPeers)
  }
}

/** the generated codec decodes the type to its name (and refuses unknown numbers) */
function messageTypeOf (value: unknown): MessageType {
  const type = typeof value === 'string' ? MessageType[value as keyof typeof MessageType] : value
  if (typeof type !== 'number' || MessageType[type] == null) {
    throw new InvalidMessageError(`unknown DHT message type ${String(value)}`)
  }
  return type
}

function toWirePeer (peer: PeerInfo): Message.Peer {
  return {
    id: peer.id.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    addrs: peer.multiaddrs.map(ma => ma.bytes as Uint8Array<ArrayBuffer>),
    connection: Message.ConnectionType.NOT_CONNECTED
  }
}

function fromWirePeers (peers: Message.Peer[]): PeerInfo[] {
  const out: PeerInfo[] = []
  for (const peer of peers) {
    const id = peerIdFromBytes(peer.id)
    if (id == null) { continue }
    const multiaddrs: Multiaddr[] = []
    for (const bytes of peer.addrs) {
      if (multiaddrs.length === MAX_ADDRS_PER_PEER) { break }
      try { multiaddrs.push(multiaddr(bytes)) } catch { /* an address this stack cannot parse */ }
    }
    out.push({ id, multiaddrs })
  }
  return out
}

/** a peer id from its multihash bytes, or undefined when they are not one */
export function peerIdFromBytes (bytes: Uint8Array): PeerId | undefined {
  try {
    return peerIdFromMultihash(Digest.decode(bytes))
  } catch {
    return undefined
  }
}
