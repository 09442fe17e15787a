// The in-process network: 200 nodes on the memory transport, no sleeps. Every node is the
// target of a lookup and the origin of one (every pair would be 39,800 lookups, half an hour on two
// cores); put/get and provide/findProviders from every node.
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { compareCloseness, kadId, peerKadId } from '../src/kad-id.js'
import { dhtNetwork, inBatches, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

const SIZE = Number(process.env.DHT_NETWORK_SIZE ?? 200)

describe(`a DHT network of ${SIZE} nodes over the memory transport`, function () {
  this.timeout(600_000)
  let nodes: DHTNode[] = []

  before(async () => {
    nodes = await dhtNetwork(SIZE)
  })

  after(async () => {
    await stopAll(nodes)
  })

  it('every node is found by a lookup from another, and every node finds another', async () => {
    const failures: string[] = []
    await inBatches(nodes.map((target, i) => ({ from: nodes[(i * 7 + 3) % nodes.length], target })), 10, async ({ from, target }) => {
      if (from === target) { return }
      const found = await from.peerRouting.findPeer(target.peerId, { useCache: false }).catch(() => undefined)
      if (found == null || found.multiaddrs.length === 0) { failures.push(`${from.peerId} did not find ${target.peerId}`) }
    })
    expect(failures).to.deep.equal([])
  })

  it('getClosestPeers finds the true k closest peers of a random key', async () => {
    const ids = nodes.map(n => n.peerId)
    for (let i = 0; i < 5; i++) {
      const key = crypto.getRandomValues(new Uint8Array(32))
      const target = kadId(key)
      const asker = nodes[i * 13]
      // the asking node leaves itself out: compare with the others
      const expected = ids.filter(id => !id.equals(asker.peerId))
        .sort((a, b) => compareCloseness(target, peerKadId(a), peerKadId(b))).slice(0, 20).map(String)
      const found: string[] = []
      for await (const peer of asker.peerRouting.getClosestPeers(key)) { found.push(peer.id.toString()) }
      const overlap = found.filter(id => expected.includes(id)).length
      expect(overlap).to.be.at.least(expected.length - 1, `lookup ${i}: ${overlap} of the true closest`)
    }
  })

  it('a value put on one node is got from every node', async () => {
    const owner = await generateKeyPair('Ed25519')
    const key = new Uint8Array([...new TextEncoder().encode('/pk/'), ...peerIdFromPrivateKey(owner).toMultihash().bytes])
    const value = publicKeyToProtobuf(owner.publicKey)
    await nodes[11].contentRouting.put(key, value)
    const failures: string[] = []
    await inBatches(nodes, 10, async (node) => {
      const got = await node.contentRouting.get(key).catch(() => undefined)
      if (got == null || !got.every((b, i) => b === value[i])) { failures.push(node.peerId.toString()) }
    })
    expect(failures).to.deep.equal([])
  })

  it('a provider announced on one node is found from every node', async () => {
    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('two hundred')))
    await nodes[42].contentRouting.provide(cid)
    const failures: string[] = []
    await inBatches(nodes, 10, async (node) => {
      for await (const p of node.contentRouting.findProviders(cid)) {
        if (p.id.equals(nodes[42].peerId)) { return }
      }
      failures.push(node.peerId.toString())
    })
    expect(failures).to.deep.equal([])
  })
})
