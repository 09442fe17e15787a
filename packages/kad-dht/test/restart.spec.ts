import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from '@libp2p/peer-store'
import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { EventTypes } from '../src/index.js'
import { collect, connect, dhtNode, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

describe('a DHT node restarted from its datastore', function () {
  this.timeout(60_000)
  let nodes: DHTNode[] = []

  afterEach(async () => {
    await stopAll(nodes)
    nodes = []
  })

  it('keeps its routing table, its records and its provider records', async () => {
    const datastore = new MemoryDatastore()
    const privateKey = await generateKeyPair('Ed25519')
    const first = await dhtNode({}, { datastore, privateKey })
    const others = [await dhtNode(), await dhtNode(), await dhtNode()]
    nodes.push(first, ...others)
    for (const o of others) { await connect(first, o) }
    const tableBefore = first.services.dht.routingTable.size
    expect(tableBefore).to.equal(3)

    // a record and a provider record, stored on every node (all are among the k closest in a network of 4)
    const owner = await generateKeyPair('Ed25519')
    const key = new Uint8Array([...new TextEncoder().encode('/pk/'), ...peerIdFromPrivateKey(owner).toMultihash().bytes])
    const value = publicKeyToProtobuf(owner.publicKey)
    await others[0].contentRouting.put(key, value)
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('restart')))
    await others[1].contentRouting.provide(cid)
    await first.stop()
    nodes = nodes.filter(n => n !== first)

    const second = await dhtNode({}, { datastore, privateKey })
    nodes.push(second)
    expect(second.peerId.equals(first.peerId)).to.equal(true)
    expect(second.services.dht.routingTable.size).to.equal(tableBefore)
    const values = (await collect(second.services.dht.get(key, { useNetwork: false }))).filter(e => e.type === EventTypes.VALUE)
    expect(values.map(e => e.type === EventTypes.VALUE ? e.value : undefined)).to.deep.equal([value])
    const providers = (await collect(second.services.dht.findProviders(cid, { useNetwork: false })))
      .flatMap(e => e.type === EventTypes.PROVIDER ? e.providers.map(p => p.id.toString()) : [])
    expect(providers).to.deep.equal([others[1].peerId.toString()])
  })
})
