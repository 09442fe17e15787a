import { MemoryDatastore } from '@libp2p/peer-store'
import { expect } from 'aegir/chai'
import { newPeerStore, newTable, peersInBucket, randomPeer, randomPeers } from './routing-table-fixtures.js'
import type { PeerId } from '@libp2p/interface'

describe('routing table: persistence through the peer store', () => {
  it('a new table over the same datastore restores the saved peers without pinging them', async () => {
    const datastore = new MemoryDatastore()
    const self = await randomPeer()
    const store1 = newPeerStore(self, datastore)
    const one = await newTable({}, { self, peerStore: store1 })
    await one.table.start()
    const peers = await randomPeers(6)
    for (const p of peers) { expect(await one.table.add(p)).to.equal(true) }
    await one.table.remove(peers[2])
    await one.table.stop()
    const tag = one.table.tagName
    expect((await store1.get(peers[0])).tags.has(tag)).to.equal(true)
    expect((await store1.get(peers[2])).tags.has(tag)).to.equal(false)

    const two = await newTable({}, { self, peerStore: newPeerStore(self, datastore) })
    const restored: PeerId[] = []
    two.table.addEventListener('peer:add', (evt) => { restored.push(evt.detail) })
    await two.table.start()
    const kept = peers.filter((_, i) => i !== 2)
    expect(two.table.size).to.equal(kept.length)
    for (const p of kept) { expect(two.table.has(p)).to.equal(true) }
    expect(two.table.has(peers[2])).to.equal(false)
    expect(restored.map(String).sort()).to.deep.equal(kept.map(String).sort())
    expect(two.ping.calls).to.have.lengthOf(0)
    await two.table.stop()
  })

  it('restored peers are the first contested: a dead one gives way to a live newcomer', async () => {
    const datastore = new MemoryDatastore()
    const { self } = await newTable()
    const one = await newTable({ kBucketSize: 2 }, { self, peerStore: newPeerStore(self, datastore) })
    const [a, b, c] = await peersInBucket(self, 0, 3)
    await one.table.add(a)
    await one.table.add(b)

    const two = await newTable({ kBucketSize: 2 }, { self, peerStore: newPeerStore(self, datastore) })
    await two.table.start()
    two.ping.auto.set(a.toString(), 'fail')
    two.ping.auto.set(b.toString(), 'fail')
    expect(await two.table.add(c)).to.equal(true)
    expect(two.ping.calls).to.have.lengthOf(1)
    expect(two.table.size).to.equal(2)
    const evicted = two.ping.calls[0]
    expect((await two.peerStore.get(evicted)).tags.has(two.table.tagName)).to.equal(false)
    expect((await two.peerStore.get(c)).tags.has(two.table.tagName)).to.equal(true)
  })

  it('keeps one table per protocol, and drops saved peers that no longer fit', async () => {
    const datastore = new MemoryDatastore()
    const { self } = await newTable()
    const wan = await newTable({}, { self, peerStore: newPeerStore(self, datastore) })
    const peers = await peersInBucket(self, 0, 3)
    for (const p of peers) { await wan.table.add(p) }

    const lan = await newTable({ protocol: '/ipfs/lan/kad/1.0.0' }, { self, peerStore: newPeerStore(self, datastore) })
    await lan.table.start()
    expect(lan.table.size).to.equal(0)

    // k shrank to 1 since they were saved: one is restored, the others lose the tag
    const small = await newTable({ kBucketSize: 1 }, { self, peerStore: newPeerStore(self, datastore) })
    await small.table.start()
    expect(small.table.size).to.equal(1)
    const tagged = await small.peerStore.all({ filters: [p => p.tags.has(small.table.tagName)] })
    expect(tagged).to.have.lengthOf(1)
  })
})
