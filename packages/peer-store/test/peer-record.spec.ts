import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { PersistentPeerStore } from '../src/index.js'
import { addrs, bytes, createPeer, createStore, peerKey, storedRecord, strings } from './fixtures.js'
import type { StoreFixture, TestPeer } from './fixtures.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

async function signedRecord (signer: PrivateKey, init: { peerId: TestPeer['peerId'], multiaddrs?: Multiaddr[], seqNumber?: bigint }): Promise<Uint8Array> {
  return (await RecordEnvelope.seal(new PeerRecord(init), signer)).marshal()
}

function indexOfBytes (haystack: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.byteLength <= haystack.byteLength; i++) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) {
      return i
    }
  }
  return -1
}

describe('peer store: consumePeerRecord', () => {
  let f: StoreFixture
  let remote: TestPeer

  beforeEach(async () => {
    f = await createStore({ addressTtlMs: 1000 })
    remote = await createPeer()
  })

  it('stores the addresses of a valid record as certified, with the envelope and key', async () => {
    const multiaddrs = addrs(3)
    const envelope = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs, seqNumber: 1n })

    expect(await f.store.consumePeerRecord(envelope)).to.be.true()

    const peer = await f.store.get(remote.peerId)
    expect(peer.addresses).to.deep.equal(multiaddrs.map(multiaddr => ({ multiaddr, isCertified: true })))
    expect(peer.peerRecordEnvelope).to.equalBytes(envelope)
    expect((await storedRecord(f.datastore, remote.peerId)).publicKey).to.equalBytes(publicKeyToProtobuf(remote.privateKey.publicKey))
    expect(f.updates).to.have.lengthOf(1)
    expect(f.updates[0].peer.id.equals(remote.peerId)).to.be.true()

    // certified addresses do not expire
    f.clock.advance(10_000)
    expect((await f.store.get(remote.peerId)).addresses).to.have.lengthOf(3)
  })

  it('accepts the record when it names expectedPeer', async () => {
    const envelope = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    expect(await f.store.consumePeerRecord(envelope, remote.peerId)).to.be.true()
  })

  it('takes expectedPeer as js-libp2p passes it, in an options object', async () => {
    const other = await createPeer()
    const envelope = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    expect(await f.store.consumePeerRecord(envelope, { expectedPeer: other.peerId })).to.be.false()
    expect(await f.store.has(remote.peerId)).to.be.false()
    expect(await f.store.consumePeerRecord(envelope, { expectedPeer: remote.peerId, signal: AbortSignal.timeout(10_000) })).to.be.true()
  })

  it('replaces the addresses and keeps the other fields', async () => {
    await f.store.save(remote.peerId, { multiaddrs: addrs(2, 100), protocols: ['/a/1'], metadata: { m: bytes(1) } })
    const multiaddrs = addrs(1)
    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs, seqNumber: 5n }))).to.be.true()
    const peer = await f.store.get(remote.peerId)
    expect(peer.addresses).to.deep.equal([{ multiaddr: multiaddrs[0], isCertified: true }])
    expect(peer.protocols).to.deep.equal(['/a/1'])
    expect(peer.metadata.get('m')).to.equalBytes(bytes(1))
  })

  it('a newer record replaces an older one; an older or equal sequence number is refused', async () => {
    const first = addrs(1, 0)
    const second = addrs(1, 1)
    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: first, seqNumber: 10n }))).to.be.true()
    const newer = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: second, seqNumber: 11n })
    expect(await f.store.consumePeerRecord(newer)).to.be.true()

    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: first, seqNumber: 9n }))).to.be.false()
    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: first, seqNumber: 11n }))).to.be.false()

    const peer = await f.store.get(remote.peerId)
    expect(strings(peer.addresses)).to.deep.equal(strings(second))
    expect(peer.peerRecordEnvelope).to.equalBytes(newer)
    expect(f.updates).to.have.lengthOf(2)
  })

  it('the sequence number check survives a restart', async () => {
    await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 10n }))
    const second = f.reopen()
    expect(await second.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1, 5), seqNumber: 3n }))).to.be.false()
    expect(strings((await second.get(remote.peerId)).addresses)).to.deep.equal(strings(addrs(1)))
  })

  it('refuses a record signed by a key other than the peer it names', async () => {
    const other = await createPeer()
    const forged = await signedRecord(other.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    expect(await f.store.consumePeerRecord(forged)).to.be.false()
    expect(await f.store.consumePeerRecord(forged, remote.peerId)).to.be.false()
    expect(await f.store.has(remote.peerId)).to.be.false()
    expect(await f.store.has(other.peerId)).to.be.false()
  })

  it('refuses a valid record that does not name expectedPeer', async () => {
    const other = await createPeer()
    const envelope = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    expect(await f.store.consumePeerRecord(envelope, other.peerId)).to.be.false()
    expect(await f.store.has(remote.peerId)).to.be.false()
    expect(f.updates).to.deep.equal([])
  })

  it('refuses an envelope signed for another domain', async () => {
    const record = new PeerRecord({ peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    const envelope = await RecordEnvelope.seal({ domain: 'not-a-peer-record', codec: PeerRecord.CODEC, marshal: () => record.marshal(), equals: () => false }, remote.privateKey)
    expect(await f.store.consumePeerRecord(envelope.marshal())).to.be.false()
  })

  it('refuses an envelope whose payload type is not a peer record', async () => {
    const record = new PeerRecord({ peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    const envelope = await RecordEnvelope.seal({ domain: PeerRecord.DOMAIN, codec: bytes(0x12, 0x34), marshal: () => record.marshal(), equals: () => false }, remote.privateKey)
    expect(await f.store.consumePeerRecord(envelope.marshal())).to.be.false()
  })

  it('refuses a record with a flipped bit in its key, payload or signature', async () => {
    const marshaled = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: [multiaddr('/ip4/1.2.3.4/tcp/1')], seqNumber: 1n })
    const envelope = RecordEnvelope.createFromProtobuf(marshaled)
    // (flipping the wire type of a field tag is not tested: the generated decoders read fields by number only)
    for (const part of [envelope.publicKey.raw, envelope.payloadType, envelope.payload, envelope.signature]) {
      const offset = indexOfBytes(marshaled, part)
      expect(offset).to.be.greaterThan(-1)
      for (let i = offset; i < offset + part.byteLength; i++) {
        const bad = marshaled.slice()
        bad[i] ^= 0x01
        expect(await f.store.consumePeerRecord(bad)).to.be.false(`byte ${i}`)
      }
    }
    expect(await f.store.has(remote.peerId)).to.be.false()
  })

  it('returns false, never throws, for garbage', async () => {
    const envelope = await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n })
    for (const garbage of [new Uint8Array(0), bytes(0), bytes(0xff, 0xff), envelope.subarray(0, envelope.byteLength - 1), new Uint8Array(70_000)]) {
      expect(await f.store.consumePeerRecord(garbage)).to.be.false()
    }
    expect(await f.store.consumePeerRecord(null as any)).to.be.false()
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (junk) => {
      expect(await f.store.consumePeerRecord(junk)).to.be.false()
    }), { numRuns: 200 })
    expect(await f.store.all()).to.deep.equal([])
  })

  it('a newer record is taken when the stored envelope cannot be opened', async () => {
    await f.store.save(remote.peerId, { peerRecordEnvelope: bytes(1, 2, 3) })
    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n }))).to.be.true()
  })

  it('a record is taken when the stored peer record is unreadable', async () => {
    await f.datastore.put(peerKey(remote.peerId), bytes(0xff, 0xff, 0xff))
    expect(await f.store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n }))).to.be.true()
    expect(strings((await f.store.get(remote.peerId)).addresses)).to.deep.equal(strings(addrs(1)))
  })

  it('the record of the node itself is stored without a peer:update event', async () => {
    // the fixture's own key is not exposed, so make a store whose self is `remote`
    const store = new PersistentPeerStore({ peerId: remote.peerId, datastore: f.datastore, events: f.events, logger: defaultLogger() })
    expect(await store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs: addrs(1), seqNumber: 1n }))).to.be.true()
    expect(f.updates).to.deep.equal([])
  })

  it('caps the certified addresses at maxAddressesPerPeer', async () => {
    const { store } = await createStore({ maxAddressesPerPeer: 4 })
    const multiaddrs = addrs(10)
    expect(await store.consumePeerRecord(await signedRecord(remote.privateKey, { peerId: remote.peerId, multiaddrs, seqNumber: 1n }))).to.be.true()
    const peer = await store.get(remote.peerId)
    expect(peer.addresses).to.have.lengthOf(4)
    expect(peer.addresses.every(a => a.isCertified)).to.be.true()
  })
})
