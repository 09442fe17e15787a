/**
 * @packageDocumentation
 *
 * The peer store: what the node knows about other peers (addresses, protocols, keys, metadata,
 * tags, signed peer records), persisted through any interface-datastore store.
 */
import { PersistentPeerStore } from './peer-store.js'
import type { PeerStoreComponents, PeerStoreInit } from './peer-store.js'

export function persistentPeerStore (components: PeerStoreComponents, init?: PeerStoreInit): PersistentPeerStore {
  return new PersistentPeerStore(components, init)
}

export { PersistentPeerStore }
export type { PeerStoreComponents, PeerStoreInit }
export type { PeerStoreLimits } from './record.js'
export { MemoryDatastore } from './memory-datastore.js'
export * from './constants.js'
