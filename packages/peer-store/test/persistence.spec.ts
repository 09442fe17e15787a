import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { MemoryDatastore } from '../src/index.js'
import { addrs, bytes, createPeerId, createStore, peerKey, strings } from './fixtures.js'
import type { StoreFixture } from './fixtures.js'
import type { PersistentPeerStore } from '../src/index.js'
import type { PeerId } from '@libp2p/interface'
import type { Batch, Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'

/**
 * A datastore whose next get() can be held: it reads the value when called (as a datastore
 * serving a read issued before a write would) but answers only when released.
 */
class SlowReadDatastore implements Datastore {
  readonly #inner = new MemoryDatastore()
  #hold?: Promise<void>
  held = 0

  holdNextGet (): () => void {
    let release!: () => void
    this.#hold = new Promise<void>(resolve => { release = resolve })
    return release
  }

  async get (key: Key): Promise<Uint8Array> {
    const hold = this.#hold
    this.#hold = undefined
    let value: Uint8Array | undefined
    let error: unknown
    try {
      value = this.#inner.get(key)
    } catch (err) {
      error = err
    }
    if (hold != null) {
      this.held++
      await hold
    }
    if (value == null) {
      throw error
    }
    return value
  }

  put (key: Key, value: Uint8Array): Key { return this.#inner.put(key, value) }
  has (key: Key): boolean { return this.#inner.has(key) }
  delete (key: Key): void { this.#inner.delete(key) }
  putMany (source: Iterable<Pair>): AsyncGenerator<Key> { return this.#inner.putMany(source) }
  getMany (source: Iterable<Key>): AsyncGenerator<Pair> { return this.#inner.getMany(source) }
  deleteMany (source: Iterable<Key>): AsyncGenerator<Key> { return this.#inner.deleteMany(source) }
  batch (): Batch { return this.#inner.batch() }
  query (q: Query): Generator<Pair> { return this.#inner.query(q) }
  queryKeys (q: KeyQuery): Generator<Key> { return this.#inner.queryKeys(q) }
}

/** lets every pending promise callback and timer of the current turn run */
async function settle (): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0))
}

describe('peer store: persistence, cache and concurrency', () => {
  let peer: PeerId

  async function mergeOne (store: PersistentPeerStore, i: number): Promise<unknown> {
    return store.merge(peer, {
      protocols: [`/p/${i}`],
      metadata: { [`m${i % 40}`]: bytes(i) },
      tags: { [`t${i % 40}`]: { value: i } },
      multiaddrs: addrs(1, i)
    })
  }

  /** random bytes under the peer's key, read through a store with an empty cache */
  async function checkJunk (fixture: StoreFixture, good: PeerId, junk: Uint8Array): Promise<void> {
    await fixture.datastore.put(peerKey(peer), junk)
    const store = fixture.reopen()
    let failed = false
    try {
      const got = await store.get(peer)
      // bytes that happen to decode must give a well-formed peer
      expect(got.id.equals(peer)).to.be.true()
      expect(got.addresses.map(String)).to.be.an('array')
    } catch (err: any) {
      failed = true
      expect(err.name).to.equal('InvalidMessageError')
    }
    const all = await store.all()
    expect(all.some(p => p.id.equals(good))).to.be.true()
    expect(all.some(p => p.id.equals(peer))).to.equal(!failed)
    expect(await store.has(peer)).to.be.true()
  }

  beforeEach(async () => {
    peer = await createPeerId()
  })

  describe('the datastore is the source of truth', () => {
    it('a second store over the same datastore sees every field', async () => {
      const { store, reopen, clock } = await createStore({ addressTtlMs: 1000 })
      const certified = multiaddr('/ip4/9.9.9.9/tcp/9')
      await store.save(peer, {
        addresses: [{ multiaddr: certified, isCertified: true }],
        multiaddrs: addrs(2),
        protocols: ['/b/1', '/a/1'],
        metadata: { AgentVersion: bytes(1, 2, 3) },
        tags: { kept: { value: 42 }, short: { value: 1, ttl: 500 } },
        peerRecordEnvelope: bytes(4, 5)
      })

      const second = reopen()
      const got = await second.get(peer)
      expect(got.addresses.find(a => a.multiaddr.equals(certified))?.isCertified).to.be.true()
      expect(strings(got.addresses)).to.have.members(strings([certified, ...addrs(2)]))
      expect(got.protocols).to.deep.equal(['/a/1', '/b/1'])
      expect(got.metadata.get('AgentVersion')).to.equalBytes(bytes(1, 2, 3))
      expect(Object.fromEntries(got.tags)).to.deep.equal({ kept: { value: 42 }, short: { value: 1 } })
      expect(got.peerRecordEnvelope).to.equalBytes(bytes(4, 5))
      expect(await second.has(peer)).to.be.true()
      expect(await second.all()).to.have.lengthOf(1)

      // expiry times are persisted too
      clock.advance(500)
      expect([...(await reopen().get(peer)).tags.keys()]).to.deep.equal(['kept'])
      clock.advance(500)
      expect((await reopen().get(peer)).addresses).to.deep.equal([{ multiaddr: certified, isCertified: true }])
    })

    it('writes of the second store build on what the first one wrote', async () => {
      const { store, reopen } = await createStore()
      await store.save(peer, { protocols: ['/a/1'] })
      await reopen().merge(peer, { protocols: ['/b/1'] })
      expect((await reopen().get(peer)).protocols).to.deep.equal(['/a/1', '/b/1'])
    })

    it('a deleted peer is gone for a new store too', async () => {
      const { store, reopen } = await createStore()
      await store.save(peer, { protocols: ['/a/1'] })
      await store.delete(peer)
      const second = reopen()
      expect(await second.has(peer)).to.be.false()
      await expect(second.get(peer)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    })
  })

  describe('cacheSize', () => {
    for (const cacheSize of [0, 1, 3]) {
      it(`a cache of ${cacheSize} loses nothing`, async () => {
        const { store } = await createStore({ cacheSize })
        const peers = await Promise.all(Array.from({ length: 10 }, async () => createPeerId()))
        for (const [i, p] of peers.entries()) {
          await store.save(p, { protocols: [`/p/${i}`], multiaddrs: addrs(1, i) })
        }
        for (const [i, p] of peers.entries()) {
          await store.merge(p, { protocols: [`/q/${i}`] })
        }
        for (const [i, p] of peers.entries()) {
          const got = await store.get(p)
          expect(got.protocols).to.deep.equal([`/p/${i}`, `/q/${i}`])
          expect(strings(got.addresses)).to.deep.equal(strings(addrs(1, i)))
          expect(await store.has(p)).to.be.true()
        }
        expect(await store.all()).to.have.lengthOf(10)
      })
    }
  })

  describe('serialised writes', () => {
    it('concurrent merges to one peer keep every update', async () => {
      for (const cacheSize of [0, 1024]) {
        const { store } = await createStore({ cacheSize })
        await Promise.all(Array.from({ length: 50 }, async (_, i) => mergeOne(store, i)))
        const got = await store.get(peer)
        expect(got.protocols).to.have.lengthOf(50)
        expect(got.metadata.size).to.equal(40)
        expect(got.tags.size).to.equal(40)
        expect(got.addresses).to.have.lengthOf(50)
      }
    })

    it('a failed write does not stop the writes queued behind it', async () => {
      const { store } = await createStore()
      const results = await Promise.allSettled([
        store.merge(peer, { protocols: ['/a/1'] }),
        store.merge(peer, { tags: { bad: { value: 1000 } } }),
        store.merge(peer, { protocols: ['/b/1'] })
      ])
      expect(results.map(r => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled'])
      expect((await store.get(peer)).protocols).to.deep.equal(['/a/1', '/b/1'])
    })

    it('a read answered after a concurrent write does not leave stale data in the cache', async () => {
      const datastore = new SlowReadDatastore()
      const { store, reopen } = await createStore({}, datastore)
      await store.save(peer, { protocols: ['/a/1'] })
      const cold = reopen()

      const release = datastore.holdNextGet()
      const read = cold.get(peer)
      const write = cold.merge(peer, { protocols: ['/b/1'] })
      await settle()
      release()
      await Promise.all([read, write])
      expect(datastore.held).to.equal(1)

      await cold.merge(peer, { protocols: ['/c/1'] })
      expect((await cold.get(peer)).protocols).to.deep.equal(['/a/1', '/b/1', '/c/1'])
      expect((await reopen().get(peer)).protocols).to.deep.equal(['/a/1', '/b/1', '/c/1'])
    })

    it('a read answered after a concurrent delete does not bring the peer back', async () => {
      const datastore = new SlowReadDatastore()
      const { store, reopen } = await createStore({}, datastore)
      await store.save(peer, { protocols: ['/a/1'] })
      const cold = reopen()

      const release = datastore.holdNextGet()
      const read = cold.get(peer).catch(err => err)
      const deletion = cold.delete(peer)
      await settle()
      release()
      await Promise.all([read, deletion])

      expect(await cold.has(peer)).to.be.false()
      await expect(cold.get(peer)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    })
  })

  describe('unreadable records', () => {
    it('garbage under a peer key: get fails with InvalidMessageError, all skips it, has sees it', async () => {
      const { store, datastore } = await createStore()
      const good = await createPeerId()
      await store.save(good, { protocols: ['/a/1'] })
      await datastore.put(peerKey(peer), bytes(0xff, 0xff, 0xff))
      await expect(store.get(peer)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
      expect((await store.all()).map(p => p.id.toString())).to.deep.equal([good.toString()])
      expect(await store.has(peer)).to.be.true()
    })

    it('a write replaces an unreadable record', async () => {
      for (const write of ['save', 'patch', 'merge'] as const) {
        const { store, datastore, updates } = await createStore()
        await datastore.put(peerKey(peer), bytes(0x0a, 0x05, 0x0a, 0x03, 0xff, 0xff, 0xff))
        const written = await store[write](peer, { protocols: ['/a/1'] })
        expect(written.protocols).to.deep.equal(['/a/1'], write)
        expect((await store.get(peer)).protocols).to.deep.equal(['/a/1'], write)
        expect(updates[0].previous).to.be.undefined()
      }
    })

    it('random bytes under a peer key never crash get or all (fast-check)', async () => {
      const fixture = await createStore()
      const good = await createPeerId()
      await fixture.store.save(good, { protocols: ['/a/1'] })
      await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 512 }), async (junk) => checkJunk(fixture, good, junk)), { numRuns: 200 })
    })
  })
})
