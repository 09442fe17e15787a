import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { MemoryDatastore, PEER_KEY_PREFIX, PersistentPeerStore } from '../src/index.js'
import { decodePeer } from '../src/record.js'
import type { PeerStoreInit } from '../src/index.js'
import type { StoredPeer } from '../src/record.js'
import type { Libp2pEvents, PeerId, PeerUpdate, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

/** A clock that only moves when told to */
export class ManualClock {
  time = 1_700_000_000_000

  readonly now = (): number => this.time

  advance (ms: number): void {
    this.time += ms
  }
}

export interface TestPeer {
  peerId: PeerId
  privateKey: PrivateKey
}

export async function createPeer (): Promise<TestPeer> {
  const privateKey = await generateKeyPair('Ed25519')
  return { peerId: peerIdFromPrivateKey(privateKey), privateKey }
}

export async function createPeerId (): Promise<PeerId> {
  return (await createPeer()).peerId
}

export interface StoreFixture {
  self: PeerId
  datastore: Datastore
  events: TypedEventEmitter<Libp2pEvents>
  clock: ManualClock
  store: PersistentPeerStore
  /** every peer:update event dispatched so far */
  updates: PeerUpdate[]
  /** another store over the same datastore (its own, empty cache) */
  reopen(init?: PeerStoreInit): PersistentPeerStore
}

export async function createStore (init: PeerStoreInit = {}, datastore: Datastore = new MemoryDatastore()): Promise<StoreFixture> {
  const self = await createPeerId()
  const events = new TypedEventEmitter<Libp2pEvents>()
  const clock = new ManualClock()
  const updates: PeerUpdate[] = []
  events.addEventListener('peer:update', (evt) => { updates.push(evt.detail) })
  const open = (init: PeerStoreInit): PersistentPeerStore => new PersistentPeerStore({
    peerId: self,
    datastore,
    events,
    logger: defaultLogger()
  }, { now: clock.now, ...init })

  return {
    self,
    datastore,
    events,
    clock,
    store: open(init),
    updates,
    reopen: (again = init) => open(again)
  }
}

export function peerKey (peerId: PeerId): Key {
  return new Key(`${PEER_KEY_PREFIX}${base32.encode(peerId.toMultihash().bytes)}`)
}

/** the record as it is persisted in the datastore */
export async function storedRecord (datastore: Datastore, peerId: PeerId): Promise<StoredPeer> {
  return decodePeer(await datastore.get(peerKey(peerId)))
}

export function addrs (count: number, base = 0): Multiaddr[] {
  return Array.from({ length: count }, (_, i) => multiaddr(`/ip4/10.0.${Math.floor((base + i) / 250)}.${(base + i) % 250 + 1}/tcp/4001`))
}

export function strings (multiaddrs: Array<Multiaddr | { multiaddr: Multiaddr }>): string[] {
  return multiaddrs.map(m => isMultiaddr(m) ? m.toString() : m.multiaddr.toString())
}

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values)
