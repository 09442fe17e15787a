import { expect } from 'aegir/chai'
import { EventTypes } from '../src/index.js'
import { collect, connect, dhtNetwork, dhtNode, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

/**
 * A lookup used to store every peer named in every reply (20 per reply) in the asker's peer store,
 * a write each, so each node's store grew toward the whole network: in the DHT bench, a node of
 * a 1,000-node network merged about 600 peers per self-lookup. Only peers the lookup dials are
 * stored now, and the peer findPeer returns.
 */
describe('what a lookup stores in the peer store', function () {
  this.timeout(180_000)
  let nodes: DHTNode[] = []

  before(async () => {
    nodes = await dhtNetwork(30, { links: 2 })
  })

  after(async () => {
    await stopAll(nodes)
  })

  it('only the peers it dialled (or was connected to), not every peer named in a reply', async () => {
    const asker = await dhtNode()
    nodes.push(asker)
    await connect(asker, nodes[0])
    const key = crypto.getRandomValues(new Uint8Array(32))
    const events = await collect(asker.services.dht.getClosestPeers(key))
    const named = new Set(events.flatMap(e => e.type === EventTypes.PEER_RESPONSE ? e.closer.map(p => p.id.toString()) : []))
    const asked = new Set(events.flatMap(e => e.type === EventTypes.SEND_QUERY ? [e.to.toString()] : []))
    // the lookup asked only some of the peers it was told of
    expect([...named].filter(p => !asked.has(p)).length).to.be.greaterThan(0)
    const stored = (await asker.peerStore.all()).map(p => p.id.toString())
    const connected = new Set(asker.getConnections().map(c => c.remotePeer.toString()))
    expect(stored.filter(p => !connected.has(p))).to.deep.equal([])
    // and every peer of the final result is dialable by id from the store
    for (const e of events) {
      if (e.type !== EventTypes.FINAL_PEER) { continue }
      expect((await asker.peerStore.get(e.peer.id)).addresses.length).to.be.greaterThan(0)
    }
  })

  it('findPeer stores the addresses it found, so a dial by peer id works', async () => {
    const asker = await dhtNode()
    nodes.push(asker)
    await connect(asker, nodes[0])
    const target = nodes.find(n => n !== nodes[0] && asker.getConnections(n.peerId).length === 0 && !nodes[0].services.dht.routingTable.has(n.peerId)) ?? nodes[29]
    const events = await collect(asker.services.dht.findPeer(target.peerId, { useCache: false }))
    expect(events.some(e => e.type === EventTypes.FINAL_PEER && e.peer.id.equals(target.peerId))).to.equal(true)
    const connection = await asker.dial(target.peerId)
    expect(connection.remotePeer.equals(target.peerId)).to.equal(true)
  })
})
