/**
 * @packageDocumentation
 *
 * Peer ids (specs/libp2p/peer-ids): made from a key, or parsed from a string, CID or multihash.
 *
 * ```ts
 * import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
 *
 * const id = peerIdFromPrivateKey(privateKey)
 * id.toString() // '12D3KooW...'
 * peerIdFromString(id.toCID().toString()).equals(id) // true
 * ```
 *
 * Parsing functions throw `InvalidPeerIdError` for data that names no peer and
 * `InvalidParametersError` for an argument of the wrong kind, and nothing else.
 */
export { peerIdFromCID, peerIdFromMultihash, peerIdFromPrivateKey, peerIdFromPublicKey, peerIdFromString } from './create.js'
export { isPeerId, peerIdSymbol } from './peer-id.js'
export type { PeerId, PeerIdType, Ed25519PeerId, Secp256k1PeerId, RSAPeerId, ECDSAPeerId } from '@libp2p/interface'
