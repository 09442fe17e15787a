import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { bytes, createPeerId, createStore, storedRecord, strings } from './fixtures.js'
import type { StoreFixture } from './fixtures.js'
import type { PeerId } from '@libp2p/interface'

const A = multiaddr('/ip4/1.2.3.4/tcp/1')
const B = multiaddr('/ip4/1.2.3.4/tcp/2')
const C = multiaddr('/dns4/example.com/tcp/443/wss')

describe('peer store: save, patch, merge', () => {
  let f: StoreFixture
  let peer: PeerId

  beforeEach(async () => {
    f = await createStore()
    peer = await createPeerId()
  })

  describe('get, has, delete', () => {
    it('get of an unknown peer rejects with NotFoundError', async () => {
      await expect(f.store.get(peer)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    })

    it('has is false for an unknown peer, true once saved, false once deleted', async () => {
      expect(await f.store.has(peer)).to.be.false()
      await f.store.save(peer, {})
      expect(await f.store.has(peer)).to.be.true()
      await f.store.delete(peer)
      expect(await f.store.has(peer)).to.be.false()
      await expect(f.store.get(peer)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    })

    it('getInfo gives the id and addresses (what @libp2p/kad-dht asks for), NotFoundError for an unknown peer', async () => {
      await expect(f.store.getInfo(peer)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
      await f.store.save(peer, { multiaddrs: [A, B], protocols: ['/x/1.0.0'] })
      const info = await f.store.getInfo(peer)
      expect(info.id.equals(peer)).to.be.true()
      expect(info.multiaddrs.map(String)).to.deep.equal([A, B].map(String))
      expect(Object.keys(info).sort()).to.deep.equal(['id', 'multiaddrs'])
    })

    it('saving empty data still records the peer', async () => {
      const saved = await f.store.save(peer, {})
      expect(saved.id.equals(peer)).to.be.true()
      expect(saved.addresses).to.deep.equal([])
      expect(saved.protocols).to.deep.equal([])
      expect(saved.metadata.size).to.equal(0)
      expect(saved.tags.size).to.equal(0)
      expect(saved.peerRecordEnvelope).to.be.undefined()
      expect((await f.store.get(peer)).id.equals(peer)).to.be.true()
    })

    it('deleting an unknown peer is a no-op', async () => {
      await f.store.delete(peer)
      expect(await f.store.has(peer)).to.be.false()
    })

    it('refuses to delete the node itself', async () => {
      await f.store.save(f.self, { protocols: ['/self/1'] })
      await expect(f.store.delete(f.self)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      expect((await f.store.get(f.self)).protocols).to.deep.equal(['/self/1'])
    })

    it('get returns what the write returned', async () => {
      const saved = await f.store.save(peer, { multiaddrs: [A], protocols: ['/x/1'], metadata: { k: bytes(1) }, tags: { t: { value: 5 } } })
      const got = await f.store.get(peer)
      expect(strings(got.addresses)).to.deep.equal(strings(saved.addresses))
      expect(got.protocols).to.deep.equal(saved.protocols)
      expect([...got.metadata]).to.deep.equal([...saved.metadata])
      expect([...got.tags]).to.deep.equal([...saved.tags])
    })
  })

  describe('save (replace everything)', () => {
    it('stores every field', async () => {
      const envelope = bytes(9, 9, 9)
      const peer2 = await f.store.save(peer, {
        addresses: [{ multiaddr: A, isCertified: true }],
        multiaddrs: [B],
        protocols: ['/b/1', '/a/1', '/b/1'],
        metadata: new Map([['AgentVersion', bytes(1, 2)]]),
        tags: { keep: { value: 50 } },
        peerRecordEnvelope: envelope
      })

      expect(peer2.addresses).to.have.lengthOf(2)
      expect(peer2.addresses.find(a => a.multiaddr.equals(A))?.isCertified).to.be.true()
      expect(peer2.addresses.find(a => a.multiaddr.equals(B))?.isCertified).to.be.false()
      expect(peer2.protocols).to.deep.equal(['/a/1', '/b/1'], 'sorted and deduplicated')
      expect(peer2.metadata.get('AgentVersion')).to.equalBytes(bytes(1, 2))
      expect(peer2.tags.get('keep')).to.deep.equal({ value: 50 })
      expect(peer2.peerRecordEnvelope).to.equalBytes(envelope)
    })

    it('drops every field that is not given again', async () => {
      await f.store.save(peer, { multiaddrs: [A], protocols: ['/a/1'], metadata: { m: bytes(1) }, tags: { t: {} }, peerRecordEnvelope: bytes(1) })
      const replaced = await f.store.save(peer, { multiaddrs: [B] })
      expect(strings(replaced.addresses)).to.deep.equal([B.toString()])
      expect(replaced.protocols).to.deep.equal([])
      expect(replaced.metadata.size).to.equal(0)
      expect(replaced.tags.size).to.equal(0)
      expect(replaced.peerRecordEnvelope).to.be.undefined()
    })

    it('an address given both certified and as a plain multiaddr stays certified, once', async () => {
      const saved = await f.store.save(peer, { addresses: [{ multiaddr: A, isCertified: true }], multiaddrs: [A, A] })
      expect(saved.addresses).to.have.lengthOf(1)
      expect(saved.addresses[0].isCertified).to.be.true()
    })
  })

  describe('patch (replace the given fields)', () => {
    beforeEach(async () => {
      await f.store.save(peer, {
        multiaddrs: [A],
        protocols: ['/a/1'],
        metadata: { one: bytes(1), two: bytes(2) },
        tags: { t1: { value: 1 }, t2: { value: 2 } },
        peerRecordEnvelope: bytes(7)
      })
    })

    it('replaces addresses and keeps the rest', async () => {
      const patched = await f.store.patch(peer, { multiaddrs: [B, C] })
      expect(strings(patched.addresses)).to.have.members([B.toString(), C.toString()])
      expect(patched.protocols).to.deep.equal(['/a/1'])
      expect(patched.metadata.size).to.equal(2)
      expect(patched.tags.size).to.equal(2)
      expect(patched.peerRecordEnvelope).to.equalBytes(bytes(7))
    })

    it('replaces protocols', async () => {
      const patched = await f.store.patch(peer, { protocols: ['/b/1'] })
      expect(patched.protocols).to.deep.equal(['/b/1'])
      expect(strings(patched.addresses)).to.deep.equal([A.toString()])
    })

    it('replaces the metadata map (undefined values are simply left out)', async () => {
      const patched = await f.store.patch(peer, { metadata: { three: bytes(3), one: undefined } })
      expect([...patched.metadata.keys()]).to.deep.equal(['three'])
    })

    it('replaces the tag map', async () => {
      const patched = await f.store.patch(peer, { tags: new Map([['t3', { value: 3 }]]) })
      expect([...patched.tags]).to.deep.equal([['t3', { value: 3 }]])
    })

    it('an empty list or map clears the field', async () => {
      const patched = await f.store.patch(peer, { multiaddrs: [], protocols: [], metadata: {}, tags: {} })
      expect(patched.addresses).to.deep.equal([])
      expect(patched.protocols).to.deep.equal([])
      expect(patched.metadata.size).to.equal(0)
      expect(patched.tags.size).to.equal(0)
    })

    it('replaces the peer record envelope', async () => {
      const patched = await f.store.patch(peer, { peerRecordEnvelope: bytes(8) })
      expect(patched.peerRecordEnvelope).to.equalBytes(bytes(8))
      expect(patched.protocols).to.deep.equal(['/a/1'])
    })

    it('creates an unknown peer', async () => {
      const other = await createPeerId()
      const patched = await f.store.patch(other, { protocols: ['/x/1'] })
      expect(patched.protocols).to.deep.equal(['/x/1'])
      expect(await f.store.has(other)).to.be.true()
    })
  })

  describe('merge (add to what is stored)', () => {
    beforeEach(async () => {
      await f.store.save(peer, {
        addresses: [{ multiaddr: A, isCertified: true }],
        protocols: ['/b/1'],
        metadata: { one: bytes(1), two: bytes(2) },
        tags: { t1: { value: 1 }, t2: { value: 2 } },
        peerRecordEnvelope: bytes(7)
      })
    })

    it('adds addresses and keeps the existing ones', async () => {
      const merged = await f.store.merge(peer, { multiaddrs: [B], addresses: [{ multiaddr: C, isCertified: false }] })
      expect(strings(merged.addresses)).to.have.members([A, B, C].map(String))
      expect(merged.addresses.find(a => a.multiaddr.equals(A))?.isCertified).to.be.true()
    })

    it('a certified address merged again as uncertified stays certified', async () => {
      const merged = await f.store.merge(peer, { multiaddrs: [A] })
      expect(merged.addresses).to.deep.equal([{ multiaddr: A, isCertified: true }])
    })

    it('an uncertified address merged again as certified becomes certified', async () => {
      await f.store.merge(peer, { multiaddrs: [B] })
      const merged = await f.store.merge(peer, { addresses: [{ multiaddr: B, isCertified: true }] })
      expect(merged.addresses.find(a => a.multiaddr.equals(B))?.isCertified).to.be.true()
    })

    it('unions protocols, sorted', async () => {
      const merged = await f.store.merge(peer, { protocols: ['/c/1', '/a/1', '/b/1'] })
      expect(merged.protocols).to.deep.equal(['/a/1', '/b/1', '/c/1'])
    })

    it('adds and overwrites metadata; undefined deletes a key (object form)', async () => {
      const merged = await f.store.merge(peer, { metadata: { two: bytes(22), three: bytes(3), one: undefined } })
      expect([...merged.metadata.keys()].sort()).to.deep.equal(['three', 'two'])
      expect(merged.metadata.get('two')).to.equalBytes(bytes(22))
    })

    it('adds and overwrites metadata; undefined deletes a key (Map form)', async () => {
      const merged = await f.store.merge(peer, { metadata: new Map([['two', undefined], ['four', bytes(4)]]) })
      expect([...merged.metadata.keys()].sort()).to.deep.equal(['four', 'one'])
    })

    it('deleting a metadata key that does not exist is a no-op', async () => {
      const merged = await f.store.merge(peer, { metadata: { nope: undefined } })
      expect(merged.metadata.size).to.equal(2)
    })

    it('adds and overwrites tags; undefined deletes a tag', async () => {
      const merged = await f.store.merge(peer, { tags: { t2: { value: 20 }, t3: {}, t1: undefined } })
      expect(Object.fromEntries(merged.tags)).to.deep.equal({ t2: { value: 20 }, t3: { value: 0 } })
    })

    it('keeps the envelope unless a new one is given', async () => {
      expect((await f.store.merge(peer, { protocols: ['/z/1'] })).peerRecordEnvelope).to.equalBytes(bytes(7))
      expect((await f.store.merge(peer, { peerRecordEnvelope: bytes(8) })).peerRecordEnvelope).to.equalBytes(bytes(8))
    })

    it('merging nothing changes nothing', async () => {
      const before = await f.store.get(peer)
      const after = await f.store.merge(peer, {})
      expect(strings(after.addresses)).to.deep.equal(strings(before.addresses))
      expect(after.protocols).to.deep.equal(before.protocols)
      expect([...after.metadata]).to.deep.equal([...before.metadata])
      expect([...after.tags]).to.deep.equal([...before.tags])
    })
  })

  describe('tags', () => {
    it('a tag without a value has value 0', async () => {
      expect((await f.store.save(peer, { tags: { t: {} } })).tags.get('t')).to.deep.equal({ value: 0 })
    })

    it('accepts the values 0 and 100', async () => {
      const saved = await f.store.save(peer, { tags: { low: { value: 0 }, high: { value: 100 } } })
      expect(saved.tags.get('low')?.value).to.equal(0)
      expect(saved.tags.get('high')?.value).to.equal(100)
    })

    it('refuses a value outside the integers 0-100 with InvalidParametersError and stores nothing', async () => {
      for (const value of [-1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5' as any]) {
        await expect(f.store.save(peer, { tags: { t: { value } } })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError', String(value))
      }
      expect(await f.store.has(peer)).to.be.false()
    })

    it('refuses a negative or non-finite ttl with InvalidParametersError', async () => {
      for (const ttl of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(f.store.save(peer, { tags: { t: { value: 1, ttl } } })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError', String(ttl))
      }
      expect(await f.store.has(peer)).to.be.false()
    })

    it('a tag with a ttl is gone once the ttl has passed', async () => {
      await f.store.save(peer, { tags: { short: { value: 10, ttl: 1000 }, forever: { value: 20 } } })
      f.clock.advance(999)
      expect([...(await f.store.get(peer)).tags.keys()].sort()).to.deep.equal(['forever', 'short'])
      f.clock.advance(1)
      expect([...(await f.store.get(peer)).tags.keys()]).to.deep.equal(['forever'])
      expect([...(await f.store.all())[0].tags.keys()]).to.deep.equal(['forever'])
    })

    it('accepts a fractional ttl and a fractional clock', async () => {
      f.clock.advance(0.25)
      await f.store.save(peer, { tags: { t: { value: 1, ttl: 1.5 } } })
      expect((await f.reopen().get(peer)).tags.has('t')).to.be.true()
      f.clock.advance(2)
      expect((await f.reopen().get(peer)).tags.has('t')).to.be.false()
    })

    it('merging a tag again renews its ttl', async () => {
      await f.store.save(peer, { tags: { t: { value: 10, ttl: 1000 } } })
      f.clock.advance(900)
      await f.store.merge(peer, { tags: { t: { value: 11, ttl: 1000 } } })
      f.clock.advance(900)
      expect((await f.store.get(peer)).tags.get('t')).to.deep.equal({ value: 11 })
    })
  })

  describe('metadata values', () => {
    it('refuses a value that is not a Uint8Array', async () => {
      await expect(f.store.save(peer, { metadata: { m: 'text' as any } })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    })

    it('stores a copy: changing the caller\'s bytes later changes nothing', async () => {
      const value = bytes(1, 2, 3)
      await f.store.save(peer, { metadata: { m: value } })
      value[0] = 99
      expect((await f.store.get(peer)).metadata.get('m')).to.equalBytes(bytes(1, 2, 3))
    })

    it('returns a copy: changing returned bytes changes nothing', async () => {
      await f.store.save(peer, { metadata: { m: bytes(1, 2, 3) }, peerRecordEnvelope: bytes(4, 5) })
      const got = await f.store.get(peer)
      got.metadata.get('m')?.fill(0)
      got.peerRecordEnvelope?.fill(0)
      got.metadata.set('added', bytes(1))
      got.protocols.push('/mutated/1')
      const again = await f.store.get(peer)
      expect(again.metadata.get('m')).to.equalBytes(bytes(1, 2, 3))
      expect(again.peerRecordEnvelope).to.equalBytes(bytes(4, 5))
      expect(again.metadata.has('added')).to.be.false()
      expect(again.protocols).to.deep.equal([])
    })
  })

  describe('input validation', () => {
    it('refuses a multiaddr that is not a Multiaddr', async () => {
      await expect(f.store.save(peer, { multiaddrs: ['/ip4/1.2.3.4/tcp/1' as any] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      await expect(f.store.save(peer, { addresses: [{ multiaddr: {} as any, isCertified: false }] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      expect(await f.store.has(peer)).to.be.false()
    })

    it('refuses a protocol that is not a string', async () => {
      await expect(f.store.save(peer, { protocols: [42 as any] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    })
  })

  describe('public keys', () => {
    it('keeps the key of an id that embeds it (Ed25519)', async () => {
      await f.store.save(peer, {})
      const stored = await storedRecord(f.datastore, peer)
      expect(stored.publicKey).to.equalBytes(publicKeyToProtobuf(peer.publicKey!))
    })

    it('stores the key of an id that is a hash of it (ECDSA) when given, and keeps it through patch and merge', async () => {
      const key = await generateKeyPair('ECDSA')
      // an id parsed from its string only knows the hash of the key
      const id = peerIdFromString(peerIdFromPrivateKey(key).toString())
      expect(id.publicKey).to.be.undefined()

      await f.store.save(id, { publicKey: key.publicKey })
      expect((await storedRecord(f.datastore, id)).publicKey).to.equalBytes(publicKeyToProtobuf(key.publicKey))
      // and the peer returned carries it in its id, as js-libp2p's peer store does
      expect((await f.store.get(id)).id.publicKey?.equals(key.publicKey)).to.be.true()

      await f.store.patch(id, { protocols: ['/p/1'] })
      await f.store.merge(id, { protocols: ['/q/1'] })
      expect((await storedRecord(f.datastore, id)).publicKey).to.equalBytes(publicKeyToProtobuf(key.publicKey))

      await f.store.save(id, {})
      expect((await storedRecord(f.datastore, id)).publicKey).to.be.undefined('save replaces everything')
    })

    it('refuses a key that is not the peer\'s', async () => {
      const other = await generateKeyPair('Ed25519')
      await expect(f.store.save(peer, { publicKey: other.publicKey })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      await expect(f.store.merge(peer, { publicKey: other.publicKey })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
      expect(await f.store.has(peer)).to.be.false()
    })
  })
})
