import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { EventTypes } from '../src/index.js'
import { collect, dhtNetwork, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

describe('a small DHT network over the memory transport', function () {
  this.timeout(120_000)
  let nodes: DHTNode[] = []

  before(async () => {
    nodes = await dhtNetwork(Number(process.env.DHT_NODES ?? 12), { init: { optimisticProvide: true } })
  })

  after(async () => {
    await stopAll(nodes)
  })

  it('every node finds every other by peer id', async () => {
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) { continue }
        const found = await a.peerRouting.findPeer(b.peerId, { useCache: false })
        expect(found.id.equals(b.peerId)).to.equal(true)
        expect(found.multiaddrs.map(String)).to.include(b.getMultiaddrs()[0].decapsulateCode(421).toString())
      }
    }
  })

  it('getClosestPeers yields FINAL_PEER events for the k closest, closest first', async () => {
    const events = await collect(nodes[3].services.dht.getClosestPeers(nodes[7].peerId.toMultihash().bytes))
    const finals = events.filter(e => e.type === EventTypes.FINAL_PEER)
    expect(finals.length).to.be.greaterThan(0)
    expect(events.some(e => e.type === EventTypes.SEND_QUERY)).to.equal(true)
    expect(events.some(e => e.type === EventTypes.PEER_RESPONSE)).to.equal(true)
  })

  it('put on one node, get on every other (a /pk/ record)', async () => {
    const owner = nodes[2]
    const key = new Uint8Array([...new TextEncoder().encode('/pk/'), ...owner.peerId.toMultihash().bytes])
    const { publicKeyToProtobuf } = await import('@libp2p/crypto/keys')
    const value = publicKeyToProtobuf(owner.peerId.publicKey!)
    await owner.contentRouting.put(key, value)
    for (const node of nodes) {
      expect(await node.contentRouting.get(key)).to.deep.equal(value)
    }
  })

  it('provide on one node, findProviders on every other', async () => {
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('hello dht')))
    await nodes[5].contentRouting.provide(cid)
    for (const node of nodes) {
      const found = []
      for await (const p of node.contentRouting.findProviders(cid)) { found.push(p) }
      expect(found.map(p => p.id.toString())).to.include(nodes[5].peerId.toString())
    }
  })

  it('optimistic provide: records reach close peers early, and every node still finds the provider', async () => {
    const provider = nodes[8]
    // the estimate comes from finished lookups: a few random ones give it enough samples
    for (let i = 0; i < 4; i++) {
      await collect(provider.services.dht.getClosestPeers(crypto.getRandomValues(new Uint8Array(32))))
    }
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('optimistic')))
    const events = await collect(provider.services.dht.provide(cid))
    expect(events.filter(e => e.type === EventTypes.PEER_RESPONSE && e.messageName === 'ADD_PROVIDER').length).to.be.greaterThan(0)
    // optimistic: the first ADD_PROVIDER goes out while the lookup is still running
    const firstStore = events.findIndex(e => e.type === EventTypes.SEND_QUERY && e.messageName === 'ADD_PROVIDER')
    const lastLookupStep = events.findLastIndex(e => e.type === EventTypes.PEER_RESPONSE && e.messageName === 'FIND_NODE')
    expect(firstStore).to.be.within(0, lastLookupStep)
    for (const node of nodes) {
      const found = []
      for await (const p of node.contentRouting.findProviders(cid)) { found.push(p.id.toString()) }
      expect(found).to.include(provider.peerId.toString())
    }
  })
})
