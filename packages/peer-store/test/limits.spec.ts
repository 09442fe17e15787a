import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import {
  DEFAULT_ADDRESS_TTL_MS, DEFAULT_MAX_ADDRESSES_PER_PEER, DEFAULT_MAX_METADATA_PER_PEER, DEFAULT_MAX_METADATA_VALUE_BYTES,
  DEFAULT_MAX_PROTOCOLS_PER_PEER, DEFAULT_MAX_TAGS_PER_PEER, MAX_PEER_RECORD_BYTES
} from '../src/index.js'
import { addrs, bytes, createPeerId, createStore, peerKey, storedRecord, strings } from './fixtures.js'
import type { PeerId } from '@libp2p/interface'

async function expectLimit (promise: Promise<unknown>, limit: string, value: number): Promise<void> {
  const err = await promise.then(() => undefined, (err: any) => err)
  expect(err, `expected a LimitExceededError for ${limit}`).to.have.property('name', 'LimitExceededError')
  expect(err).to.have.property('limit', limit)
  expect(err).to.have.property('value', value)
  expect(err.message).to.include(limit)
}

describe('peer store: limits', () => {
  let peer: PeerId

  beforeEach(async () => {
    peer = await createPeerId()
  })

  it('has the documented defaults', () => {
    expect(DEFAULT_MAX_ADDRESSES_PER_PEER).to.equal(64)
    expect(DEFAULT_MAX_PROTOCOLS_PER_PEER).to.equal(256)
    expect(DEFAULT_MAX_METADATA_PER_PEER).to.equal(64)
    expect(DEFAULT_MAX_METADATA_VALUE_BYTES).to.equal(4096)
    expect(DEFAULT_MAX_TAGS_PER_PEER).to.equal(64)
    expect(DEFAULT_ADDRESS_TTL_MS).to.equal(2 * 60 * 60 * 1000)
    expect(MAX_PEER_RECORD_BYTES).to.equal(256 * 1024)
  })

  it('refuses a negative or non-numeric limit in the init', async () => {
    for (const init of [{ maxAddressesPerPeer: -1 }, { cacheSize: Number.NaN }, { maxTagsPerPeer: '3' as any }, { addressTtlMs: -5 }]) {
      await expect(createStore(init)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
  })

  describe('maxAddressesPerPeer', () => {
    it('keeps the newest addresses', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 3 })
      const five = addrs(5)
      expect(strings((await store.merge(peer, { multiaddrs: five })).addresses)).to.deep.equal(strings(five.slice(2)))
      const next = addrs(1, 100)
      expect(strings((await store.merge(peer, { multiaddrs: next })).addresses)).to.deep.equal(strings([...five.slice(3), ...next]))
    })

    it('an address seen again counts as new', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 3 })
      const three = addrs(3)
      await store.merge(peer, { multiaddrs: three })
      await store.merge(peer, { multiaddrs: [three[0]] })
      const after = await store.merge(peer, { multiaddrs: addrs(1, 100) })
      expect(strings(after.addresses)).to.have.members(strings([three[2], three[0], ...addrs(1, 100)]))
    })

    it('keeps certified addresses before uncertified ones', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 3 })
      const certified = addrs(2, 50)
      await store.save(peer, { addresses: certified.map(multiaddr => ({ multiaddr, isCertified: true })) })
      const merged = await store.merge(peer, { multiaddrs: addrs(5) })
      expect(merged.addresses).to.have.lengthOf(3)
      expect(strings(merged.addresses.filter(a => a.isCertified))).to.deep.equal(strings(certified))
      expect(strings(merged.addresses.filter(a => !a.isCertified))).to.deep.equal(strings(addrs(1, 4)))
    })

    it('when certified addresses fill the cap, no uncertified address displaces one', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 2 })
      const certified = addrs(2, 50)
      await store.save(peer, { addresses: certified.map(multiaddr => ({ multiaddr, isCertified: true })) })
      const merged = await store.merge(peer, { multiaddrs: addrs(3) })
      expect(merged.addresses).to.deep.equal(certified.map(multiaddr => ({ multiaddr, isCertified: true })))
    })

    it('with more certified addresses than the cap, the newest certified ones are kept', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 2 })
      const certified = addrs(3, 50)
      const saved = await store.save(peer, { multiaddrs: addrs(2), addresses: certified.map(multiaddr => ({ multiaddr, isCertified: true })) })
      expect(saved.addresses).to.deep.equal(certified.slice(1).map(multiaddr => ({ multiaddr, isCertified: true })))
    })

    it('0 keeps no address at all', async () => {
      const { store } = await createStore({ maxAddressesPerPeer: 0 })
      const saved = await store.save(peer, { multiaddrs: addrs(2), addresses: addrs(2, 10).map(multiaddr => ({ multiaddr, isCertified: true })) })
      expect(saved.addresses).to.deep.equal([])
    })

    it('applies to save and patch too, and is 64 by default', async () => {
      const { store } = await createStore()
      expect((await store.save(peer, { multiaddrs: addrs(100) })).addresses).to.have.lengthOf(64)
      expect((await store.patch(peer, { multiaddrs: addrs(70, 200) })).addresses).to.have.lengthOf(64)
      expect((await store.get(peer)).addresses).to.have.lengthOf(64)
    })
  })

  describe('maxProtocolsPerPeer', () => {
    it('keeps what fits past maxProtocolsPerPeer instead of refusing the update: stored ones first, then the given ones in order', async () => {
      const { store, updates } = await createStore({ maxProtocolsPerPeer: 3 })
      expect((await store.save(peer, { protocols: ['/a/1', '/b/1', '/a/1', '/c/1'] })).protocols).to.deep.equal(['/a/1', '/b/1', '/c/1'])
      // merge: nothing stored is pushed out by a newcomer
      expect((await store.merge(peer, { protocols: ['/d/1'] })).protocols).to.deep.equal(['/a/1', '/b/1', '/c/1'])
      // save and patch replace the list: its first three, in the order given
      expect((await store.save(peer, { protocols: ['/4', '/1', '/3', '/2'] })).protocols).to.deep.equal(['/1', '/3', '/4'])
      expect((await store.patch(peer, { protocols: ['/z', '/y', '/z', '/x', '/w'], multiaddrs: addrs(1) })).protocols).to.deep.equal(['/x', '/y', '/z'])
      // the rest of the update was applied
      const stored = await store.get(peer)
      expect(stored.protocols).to.deep.equal(['/x', '/y', '/z'])
      expect(stored.addresses).to.have.lengthOf(1)
      expect(updates).to.have.lengthOf(4)
    })

    it('is 256 by default; a peer announcing 300 keeps its first 256', async () => {
      const { store } = await createStore()
      const protocols = Array.from({ length: 300 }, (_, i) => `/p/${String(i).padStart(3, '0')}`)
      const saved = await store.patch(peer, { protocols })
      expect(saved.protocols).to.deep.equal(protocols.slice(0, 256))
      expect((await store.merge(peer, { protocols: ['/one/more'] })).protocols).to.have.lengthOf(256)
      expect((await store.get(peer)).protocols).to.not.include('/one/more')
    })
  })

  describe('metadata', () => {
    it('refuses more entries than maxMetadataPerPeer', async () => {
      const { store } = await createStore({ maxMetadataPerPeer: 2 })
      await store.save(peer, { metadata: { a: bytes(1), b: bytes(2) } })
      await expectLimit(store.merge(peer, { metadata: { c: bytes(3) } }), 'maxMetadataPerPeer', 2)
      // replacing one entry by another in the same merge stays within the cap
      const merged = await store.merge(peer, { metadata: { a: undefined, c: bytes(3) } })
      expect([...merged.metadata.keys()].sort()).to.deep.equal(['b', 'c'])
    })

    it('refuses a value larger than maxMetadataValueBytes (4096 by default)', async () => {
      const { store } = await createStore()
      await store.save(peer, { metadata: { ok: new Uint8Array(4096) } })
      await expectLimit(store.merge(peer, { metadata: { big: new Uint8Array(4097) } }), 'maxMetadataValueBytes', 4096)
      expect([...(await store.get(peer)).metadata.keys()]).to.deep.equal(['ok'])
    })
  })

  describe('maxTagsPerPeer', () => {
    it('refuses more tags with a LimitExceededError naming the option', async () => {
      const { store } = await createStore({ maxTagsPerPeer: 2 })
      await store.save(peer, { tags: { a: {}, b: {} } })
      await expectLimit(store.merge(peer, { tags: { c: {} } }), 'maxTagsPerPeer', 2)
      expect([...(await store.get(peer)).tags.keys()].sort()).to.deep.equal(['a', 'b'])
    })

    it('expired tags do not count', async () => {
      const { store, clock } = await createStore({ maxTagsPerPeer: 2 })
      await store.save(peer, { tags: { a: { ttl: 10 }, b: { ttl: 10 } } })
      clock.advance(10)
      const merged = await store.merge(peer, { tags: { c: {}, d: {} } })
      expect([...merged.tags.keys()].sort()).to.deep.equal(['c', 'd'])
    })
  })

  describe('address expiry (addressTtlMs)', () => {
    it('an address learned without a signed record expires after addressTtlMs', async () => {
      const { store, clock } = await createStore({ addressTtlMs: 1000 })
      const certified = multiaddr('/ip4/9.9.9.9/tcp/1')
      await store.save(peer, { multiaddrs: addrs(2), addresses: [{ multiaddr: certified, isCertified: true }] })
      clock.advance(999)
      expect((await store.get(peer)).addresses).to.have.lengthOf(3)
      clock.advance(1)
      expect((await store.get(peer)).addresses).to.deep.equal([{ multiaddr: certified, isCertified: true }])
      expect((await store.all())[0].addresses).to.deep.equal([{ multiaddr: certified, isCertified: true }])
      clock.advance(DEFAULT_ADDRESS_TTL_MS * 10)
      expect((await store.get(peer)).addresses).to.have.lengthOf(1, 'certified addresses do not expire')
    })

    it('seeing an address again renews it', async () => {
      const { store, clock } = await createStore({ addressTtlMs: 1000 })
      const [a, b] = addrs(2)
      await store.merge(peer, { multiaddrs: [a, b] })
      clock.advance(800)
      await store.merge(peer, { multiaddrs: [a] })
      clock.advance(800)
      expect(strings((await store.get(peer)).addresses)).to.deep.equal([a.toString()])
    })

    it('a certified address seen again without a record stays certified and does not expire', async () => {
      const { store, clock } = await createStore({ addressTtlMs: 1000 })
      const [a] = addrs(1)
      await store.save(peer, { addresses: [{ multiaddr: a, isCertified: true }] })
      await store.merge(peer, { multiaddrs: [a] })
      clock.advance(5000)
      expect((await store.get(peer)).addresses).to.deep.equal([{ multiaddr: a, isCertified: true }])
    })

    it('addressTtlMs 0 means addresses never expire', async () => {
      const { store, clock } = await createStore({ addressTtlMs: 0 })
      await store.save(peer, { multiaddrs: addrs(2) })
      clock.advance(DEFAULT_ADDRESS_TTL_MS * 100)
      expect((await store.get(peer)).addresses).to.have.lengthOf(2)
    })

    it('the default lifetime is two hours', async () => {
      const { store, clock } = await createStore()
      await store.save(peer, { multiaddrs: addrs(1) })
      clock.advance(DEFAULT_ADDRESS_TTL_MS - 1)
      expect((await store.get(peer)).addresses).to.have.lengthOf(1)
      clock.advance(1)
      expect((await store.get(peer)).addresses).to.have.lengthOf(0)
    })

    it('expired addresses and tags leave the stored record on the next write', async () => {
      const { store, clock, datastore } = await createStore({ addressTtlMs: 1000 })
      await store.save(peer, { multiaddrs: addrs(3), tags: { t: { ttl: 500 } } })
      clock.advance(1000)
      await store.merge(peer, { protocols: ['/a/1'] })
      const stored = await storedRecord(datastore, peer)
      expect(stored.addresses).to.deep.equal([])
      expect(stored.tags.size).to.equal(0)
    })

    it('expires on the real clock too', async function () {
      const { store } = await createStore({ addressTtlMs: 25, now: () => Date.now() })
      await store.save(peer, { multiaddrs: addrs(1) })
      const deadline = Date.now() + 2000
      while ((await store.get(peer)).addresses.length > 0) {
        expect(Date.now()).to.be.below(deadline, 'the address did not expire')
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      expect((await store.get(peer)).addresses).to.deep.equal([])
    })
  })

  describe('record size', () => {
    it(`refuses a write whose record would be larger than ${MAX_PEER_RECORD_BYTES} bytes, so all it writes can be read back`, async () => {
      const { store, reopen } = await createStore()
      const metadata: Record<string, Uint8Array> = {}
      for (let i = 0; i < 64; i++) {
        metadata[`key-${i}`] = new Uint8Array(4096)
      }
      await store.save(peer, { protocols: ['/a/1'] })
      await expect(store.merge(peer, { metadata })).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')

      delete metadata['key-0']
      await store.merge(peer, { metadata })
      const again = await reopen().get(peer)
      expect(again.metadata.size).to.equal(63)
      expect(again.protocols).to.deep.equal(['/a/1'])
    })

    it('a stored record larger than the limit is reported, not taken for a missing peer', async () => {
      const { store, datastore } = await createStore()
      await datastore.put(peerKey(peer), new Uint8Array(MAX_PEER_RECORD_BYTES + 1))
      await expect(store.get(peer)).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
      expect(await store.has(peer)).to.be.true()
      expect(await store.all()).to.deep.equal([])
    })
  })
})
