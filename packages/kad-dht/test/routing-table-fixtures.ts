/* Shared setup of the routing-table specs: peers placed in chosen buckets, a real peer store, a scripted ping */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore, persistentPeerStore } from '@libp2p/peer-store'
import { commonPrefixLength, peerKadId } from '../src/kad-id.js'
import { KadRoutingTable } from '../src/routing-table/index.js'
import type { RoutingTableInit } from '../src/routing-table/index.js'
import type { AbortOptions, PeerId, PeerStore } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

export async function randomPeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

export async function randomPeers (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => randomPeer()))
}

export function cplOf (self: PeerId, peer: PeerId): number {
  return commonPrefixLength(peerKadId(self), peerKadId(peer))
}

/** `n` fresh peers whose kad ids share exactly `cpl` bits with self's (cpl 0 costs 2 keys a peer, cpl 2 costs 8) */
export async function peersInBucket (self: PeerId, cpl: number, n: number): Promise<PeerId[]> {
  const found: PeerId[] = []
  for (let tries = 0; found.length < n; tries++) {
    if (tries > n * 2 ** (cpl + 1) * 20) { throw new Error(`test setup: found only ${found.length} peers at cpl ${cpl}`) }
    const peer = await randomPeer()
    if (cplOf(self, peer) === cpl) { found.push(peer) }
  }
  return found
}

export function newPeerStore (self: PeerId, datastore: Datastore = new MemoryDatastore()): PeerStore {
  return persistentPeerStore({ peerId: self, datastore, events: new TypedEventEmitter(), logger: defaultLogger() })
}

/**
 * A ping the test answers: each call waits until the test settles it with answer() / fail(), or
 * until its signal aborts. `calls` lists the pinged peers in order.
 */
export class ScriptedPing {
  readonly calls: PeerId[] = []
  /** settle every ping of this peer from now on, without waiting for the test */
  readonly auto = new Map<string, 'answer' | 'fail'>()
  readonly #waiting: Array<{ peer: PeerId, resolve(): void, reject(err: Error): void }> = []

  readonly ping = async (peer: PeerId, options: AbortOptions): Promise<unknown> => {
    this.calls.push(peer)
    const auto = this.auto.get(peer.toString())
    if (auto === 'answer') { return 1 }
    if (auto === 'fail') { throw new Error('test: no answer') }
    return new Promise<void>((resolve, reject) => {
      const entry = { peer, resolve, reject }
      this.#waiting.push(entry)
      options.signal?.addEventListener('abort', () => {
        this.#waiting.splice(this.#waiting.indexOf(entry), 1)
        reject(options.signal?.reason)
      }, { once: true })
    })
  }

  /** pings waiting for the test */
  get pending (): number {
    return this.#waiting.length
  }

  answerAll (): void {
    for (const w of this.#waiting.splice(0)) { w.resolve() }
  }

  failAll (): void {
    for (const w of this.#waiting.splice(0)) { w.reject(new Error('test: no answer')) }
  }
}

export interface TableSetup {
  self: PeerId
  table: KadRoutingTable
  peerStore: PeerStore
  ping: ScriptedPing
}

export async function newTable (init: Partial<RoutingTableInit> = {}, setup: Partial<Omit<TableSetup, 'table'>> = {}): Promise<TableSetup> {
  const self = setup.self ?? await randomPeer()
  const peerStore = setup.peerStore ?? newPeerStore(self)
  const ping = setup.ping ?? new ScriptedPing()
  const table = new KadRoutingTable(
    { peerId: self, peerStore, logger: defaultLogger(), ping: ping.ping },
    { kBucketSize: 20, protocol: '/ipfs/kad/1.0.0', ...init }
  )
  return { self, table, peerStore, ping }
}
