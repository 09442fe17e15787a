import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore, persistentPeerStore } from '@libp2p/peer-store'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_ADDRS_PER_PEER, PROVIDER_ADDRS_TTL_MS, PROVIDER_VALIDITY_MS } from '../src/constants.js'
import { kadId } from '../src/kad-id.js'
import { ProviderStore, PROVIDERS_CLEANUP_INTERVAL_MS, Reprovider, REPROVIDE_START_DELAY_MS } from '../src/providers/index.js'
import type { ProviderStoreInit, ReproviderInit } from '../src/providers/index.js'
import type { AbortOptions, PeerId, PeerStore } from '@libp2p/interface'

async function randomPeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function key (n: number, length = 34): Uint8Array {
  const out = new Uint8Array(length)
  out[0] = 0x12
  out[1] = length - 2
  out[length - 1] = n
  return out
}

/** timers the test fires by hand */
class FakeTimers {
  readonly pending = new Map<number, { fn(): void, ms: number }>()
  #next = 0

  readonly setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.#next++
    this.pending.set(id, { fn, ms })
    return id
  }

  readonly clearTimer = (id: unknown): void => { this.pending.delete(id as number) }

  /** the delays of the timers waiting */
  get delays (): number[] {
    return [...this.pending.values()].map(t => t.ms)
  }

  /** fire the one pending timer */
  fire (): void {
    expect(this.pending.size, 'pending timers').to.equal(1)
    const [[id, { fn }]] = this.pending
    this.pending.delete(id)
    fn()
  }
}

/** resolves once `condition` holds; the microtask turns it waits are bounded */
async function settled (condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (condition()) { return }
    await new Promise<void>(resolve => { queueMicrotask(resolve) })
  }
  throw new Error(`test: ${what} did not happen`)
}

describe('providers: ProviderStore', () => {
  let datastore: MemoryDatastore
  let peerStore: PeerStore
  let clock: number
  let timers: FakeTimers

  function newStore (init: ProviderStoreInit = {}): ProviderStore {
    return new ProviderStore({ datastore, peerStore, logger: defaultLogger() }, { now: () => clock, setTimer: timers.setTimer, clearTimer: timers.clearTimer, ...init })
  }

  beforeEach(async () => {
    datastore = new MemoryDatastore()
    peerStore = persistentPeerStore({ peerId: await randomPeer(), datastore, events: new TypedEventEmitter(), logger: defaultLogger() })
    clock = Date.UTC(2026, 0, 1)
    timers = new FakeTimers()
  })

  it('serves a provider with its addresses while they are younger than addrsTtl (default 30 min)', async () => {
    const store = newStore()
    const peer = await randomPeer()
    const addr = multiaddr('/ip4/10.0.0.1/tcp/4001')
    await store.addProvider(key(1), { id: peer, multiaddrs: [addr] })
    clock += PROVIDER_ADDRS_TTL_MS
    const [found] = await store.getProviders(key(1))
    expect(found.id.equals(peer)).to.equal(true)
    expect(found.multiaddrs.map(String)).to.deep.equal([addr.toString()])
    clock += 1
    expect((await store.getProviders(key(1)))[0].multiaddrs).to.deep.equal([])
  })

  it('after addrsTtl serves the addresses the peer store knows for the provider instead', async () => {
    const store = newStore({ addrsTtl: 10 })
    const peer = await randomPeer()
    await store.addProvider(key(1), { id: peer, multiaddrs: [multiaddr('/ip4/10.0.0.1/tcp/1')] })
    await peerStore.merge(peer, { multiaddrs: [multiaddr('/ip4/10.0.0.2/tcp/2')] })
    clock += 11
    expect((await store.getProviders(key(1)))[0].multiaddrs.map(String)).to.deep.equal(['/ip4/10.0.0.2/tcp/2'])
  })

  it('keeps the old addresses when a refresh brings none, and keeps at most MAX_ADDRS_PER_PEER', async () => {
    const store = newStore()
    const peer = await randomPeer()
    const many = Array.from({ length: MAX_ADDRS_PER_PEER + 5 }, (_, i) => multiaddr(`/ip4/10.0.0.1/tcp/${i + 1}`))
    await store.addProvider(key(1), { id: peer, multiaddrs: many })
    clock += 1000
    await store.addProvider(key(1), { id: peer, multiaddrs: [] })
    const [found] = await store.getProviders(key(1))
    expect(found.multiaddrs).to.have.lengthOf(MAX_ADDRS_PER_PEER)
    // the addresses' age did not restart: they are dropped addrsTtl after they arrived
    clock += PROVIDER_ADDRS_TTL_MS - 999
    expect((await store.getProviders(key(1)))[0].multiaddrs).to.deep.equal([])
  })

  it('stops serving a provider provideValidity (default 48 h) after its last ADD_PROVIDER, and a sweep deletes it', async () => {
    const store = newStore()
    const [a, b] = [await randomPeer(), await randomPeer()]
    await store.addProvider(key(1), { id: a, multiaddrs: [] })
    await store.addProvider(key(2), { id: a, multiaddrs: [] })
    clock += 1000
    await store.addProvider(key(1), { id: b, multiaddrs: [] })
    clock += PROVIDER_VALIDITY_MS - 1000
    expect(await store.getProviders(key(1))).to.have.lengthOf(2)
    clock += 1
    expect((await store.getProviders(key(1))).map(p => p.id.toString())).to.deep.equal([b.toString()])
    expect(await store.getProviders(key(2))).to.deep.equal([])
    await store.deleteExpired()
    expect(datastore.size).to.equal(1)
  })

  it('keeps maxProvidersPerKey providers of a key, a new one replacing the least recently refreshed', async () => {
    const store = newStore({ maxProvidersPerKey: 3 })
    const peers = [await randomPeer(), await randomPeer(), await randomPeer(), await randomPeer()]
    for (const peer of peers.slice(0, 3)) {
      await store.addProvider(key(1), { id: peer, multiaddrs: [] })
      clock += 1
    }
    // peers[0] refreshes, so peers[1] is now the stalest
    await store.addProvider(key(1), { id: peers[0], multiaddrs: [] })
    clock += 1
    await store.addProvider(key(1), { id: peers[3], multiaddrs: [] })
    const ids = (await store.getProviders(key(1))).map(p => p.id.toString()).sort()
    expect(ids).to.deep.equal([peers[0], peers[2], peers[3]].map(String).sort())
  })

  it('refuses a new key past maxKeys with LimitExceededError until a sweep frees one', async () => {
    const store = newStore({ maxKeys: 2 })
    const peer = await randomPeer()
    await store.addProvider(key(1), { id: peer, multiaddrs: [] })
    clock += 1000
    await store.addProvider(key(2), { id: peer, multiaddrs: [] })
    const err = await store.addProvider(key(3), { id: peer, multiaddrs: [] }).catch(e => e)
    expect(err).to.include({ name: 'LimitExceededError', limit: 'maxKeys', value: 2 })
    // a known key takes another provider
    await store.addProvider(key(2), { id: await randomPeer(), multiaddrs: [] })
    clock += PROVIDER_VALIDITY_MS - 500
    await store.deleteExpired()
    await store.addProvider(key(3), { id: peer, multiaddrs: [] })
    expect(await store.getProviders(key(3))).to.have.lengthOf(1)
  })

  it('takes keys of 1 to 80 bytes and refuses others with InvalidParametersError', async () => {
    const store = newStore()
    const peer = await randomPeer()
    await store.addProvider(new Uint8Array(1), { id: peer, multiaddrs: [] })
    await store.addProvider(new Uint8Array(80), { id: peer, multiaddrs: [] })
    for (const bad of [new Uint8Array(0), new Uint8Array(81)]) {
      await expect(store.addProvider(bad, { id: peer, multiaddrs: [] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      await expect(store.getProviders(bad)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
  })

  it('keeps providers across a restart over the same datastore, counting their keys against maxKeys', async () => {
    const peer = await randomPeer()
    await newStore().addProvider(key(1), { id: peer, multiaddrs: [multiaddr('/ip4/10.0.0.1/tcp/1')] })
    const restarted = newStore({ maxKeys: 1 })
    const [found] = await restarted.getProviders(key(1))
    expect(found.id.equals(peer)).to.equal(true)
    expect(found.multiaddrs.map(String)).to.deep.equal(['/ip4/10.0.0.1/tcp/1'])
    await expect(restarted.addProvider(key(2), { id: peer, multiaddrs: [] })).to.eventually.be.rejected.with.property('name', 'LimitExceededError')
  })

  it('sweeps every cleanupInterval while started, and not after stop', async () => {
    const store = newStore()
    await store.addProvider(key(1), { id: await randomPeer(), multiaddrs: [] })
    store.start()
    expect(timers.delays).to.deep.equal([PROVIDERS_CLEANUP_INTERVAL_MS])
    clock += PROVIDER_VALIDITY_MS + 1
    timers.fire()
    await settled(() => timers.pending.size === 1, 'the next sweep being scheduled')
    expect(datastore.size).to.equal(0)
    await store.stop()
    expect(timers.pending.size).to.equal(0)
  })
})

describe('providers: Reprovider', () => {
  let datastore: MemoryDatastore
  let clock: number
  let timers: FakeTimers
  let provided: Uint8Array[][]
  let inFlight: number
  let maxInFlight: number
  let fail: boolean

  /** each provide takes 50 microtask turns, long enough for the next ones to start beside it */
  async function provide (k: Uint8Array, options: AbortOptions): Promise<void> {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    provided[provided.length - 1].push(k)
    try {
      for (let i = 0; i < 50; i++) { await Promise.resolve() }
      options.signal?.throwIfAborted()
      if (fail) { throw new Error('test: no peers') }
    } finally {
      inFlight--
    }
  }

  function newReprovider (init: Partial<ReproviderInit> = {}): Reprovider {
    return new Reprovider({ datastore, logger: defaultLogger() }, {
      now: () => clock, setTimer: timers.setTimer, clearTimer: timers.clearTimer, provide, interval: 1000, retryInterval: 100, ...init
    })
  }

  /** one reprovideNow; returns the keys it provided */
  async function run (r: Reprovider): Promise<Uint8Array[]> {
    provided.push([])
    await r.reprovideNow()
    return provided[provided.length - 1]
  }

  beforeEach(() => {
    datastore = new MemoryDatastore()
    clock = Date.UTC(2026, 0, 1)
    timers = new FakeTimers()
    provided = []
    inFlight = 0
    maxInFlight = 0
    fail = false
  })

  it('republishes a tracked key once it is due, then again an interval later', async () => {
    const r = newReprovider()
    await r.track(key(1))
    clock += 999
    expect(await run(r)).to.deep.equal([])
    clock += 1
    expect(await run(r)).to.deep.equal([key(1)])
    expect(await run(r)).to.deep.equal([])
    clock += 1000
    expect(await run(r)).to.deep.equal([key(1)])
  })

  it('republishes in passes of batchSize keys sorted by Kademlia id, at most `concurrency` at once', async () => {
    const r = newReprovider({ batchSize: 8, concurrency: 3 })
    const keys = Array.from({ length: 20 }, (_, i) => key(i))
    for (const k of keys) { await r.track(k) }
    clock += 1000
    const all = await run(r)
    expect(all).to.have.lengthOf(20)
    expect(new Set(all.map(k => k[33])).size).to.equal(20)
    // provides start in the order of their pass, so the passes are these slices
    const passes = [all.slice(0, 8), all.slice(8, 16), all.slice(16)]
    for (const pass of passes) {
      const ids = pass.map(k => uint8ArrayToString(kadId(k), 'base16'))
      expect(ids).to.deep.equal([...ids].sort())
    }
    expect(maxInFlight).to.equal(3)
  })

  it('takes at most maxQueueSize keys per pass', async () => {
    const r = newReprovider({ batchSize: 100, maxQueueSize: 2, concurrency: 10 })
    for (let i = 0; i < 5; i++) { await r.track(key(i)) }
    clock += 1000
    expect(await run(r)).to.have.lengthOf(5)
    expect(maxInFlight).to.equal(2)
  })

  it('tries a failing key once per run and again after retryInterval', async () => {
    const r = newReprovider()
    await r.track(key(1))
    clock += 1000
    fail = true
    expect(await run(r)).to.have.lengthOf(1)
    clock += 99
    expect(await run(r)).to.have.lengthOf(0)
    clock += 1
    fail = false
    expect(await run(r)).to.have.lengthOf(1)
    clock += 999
    expect(await run(r)).to.have.lengthOf(0)
  })

  it('lets a caller that joins a run in progress stop waiting with its own signal', async () => {
    const r = newReprovider()
    await r.track(key(1))
    clock += 1000
    provided.push([])
    const first = r.reprovideNow()
    await settled(() => inFlight === 1, 'the republish starting')
    const controller = new AbortController()
    const second = r.reprovideNow({ signal: controller.signal })
    controller.abort(new Error('test: caller gave up'))
    await expect(second).to.eventually.be.rejected.with.property('message', 'test: caller gave up')
    await first
    expect(provided[0]).to.deep.equal([key(1)])
  })

  it('forgets an untracked key', async () => {
    const r = newReprovider()
    await r.track(key(1))
    await r.track(key(2))
    await r.untrack(key(1))
    clock += 1000
    expect(await run(r)).to.deep.equal([key(2)])
    await expect(r.track(new Uint8Array(81))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('keeps republishing across a restart over the same datastore', async () => {
    await newReprovider().track(key(7))
    clock += 1000
    expect(await run(newReprovider())).to.deep.equal([key(7)])
  })

  it('runs after start, then when the next key is due; stop aborts a run and cancels the timer', async () => {
    const r = newReprovider()
    await r.track(key(1))
    r.start()
    expect(timers.delays).to.deep.equal([REPROVIDE_START_DELAY_MS])
    clock += 400
    provided.push([])
    timers.fire()
    // nothing due: the next run is when key(1) is due, 600 ms on
    await settled(() => timers.pending.size === 1, 'the next run being scheduled')
    expect(timers.delays).to.deep.equal([600])
    clock += 600
    timers.fire()
    await settled(() => inFlight === 1, 'the republish starting')
    await r.stop()
    expect(inFlight).to.equal(0)
    expect(timers.pending.size).to.equal(0)
    // the aborted key is still due for the next start
    expect(await run(r)).to.deep.equal([key(1)])
  })
})
