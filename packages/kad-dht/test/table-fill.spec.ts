import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { createNode } from '@libp2p/test-fixtures'
import { expect } from 'aegir/chai'
import { EventTypes, kadDHT, passthroughMapper } from '../src/index.js'
import { TableFill } from '../src/table-fill.js'
import { collect, dhtNode, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'
import type { KadDHTInit } from '../src/index.js'

/**
 * A node whose identify never completes: the DHT is not told (through its topology) that its
 * connected peers speak the protocol. The DHT bench saw this at 500 in-process nodes: with the
 * event loop seconds behind, identify hit its 5 s deadline on ~18% of connections, and a node
 * whose every identify failed kept an empty routing table for good.
 */
async function unidentifiedNode (init: KadDHTInit = {}): Promise<DHTNode> {
  return createNode({
    services: {
      identify: identify({ runOnConnectionOpen: false }),
      ping: ping(),
      dht: kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper, initialQuerySelfInterval: 2 ** 31 - 1, ...init })
    },
    connectionMonitor: { enabled: false }
  }) as Promise<DHTNode>
}

describe('routing table fill from connections (a peer whose identify failed)', function () {
  this.timeout(30_000)
  let nodes: DHTNode[] = []

  afterEach(async () => {
    await stopAll(nodes)
    nodes = []
  })

  it('a query on an empty table asks the connected peers, and runs once one answers as a DHT server', async () => {
    const a = await unidentifiedNode()
    const b = await dhtNode()
    const c = await dhtNode()
    nodes.push(a, b, c)
    // b knows c; a is connected to b only, and never learns through identify what b speaks
    await b.dial(c.getMultiaddrs())
    await until(() => b.services.dht.routingTable.has(c.peerId), 'b has c in its table', { timeout: 10_000 })
    await a.dial(b.getMultiaddrs())
    expect(a.services.dht.routingTable.size).to.equal(0)
    const events = await collect(a.services.dht.getClosestPeers(c.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(20_000) }))
    expect(a.services.dht.routingTable.has(b.peerId)).to.equal(true)
    const finals = events.flatMap(e => e.type === EventTypes.FINAL_PEER ? [e.peer.id.toString()] : [])
    expect(finals).to.include(c.peerId.toString())
  })

  it('a low table is filled on the periodic check without any query', async () => {
    const a = await unidentifiedNode({ tableFillInterval: 20 })
    const b = await dhtNode()
    nodes.push(a, b)
    await a.dial(b.getMultiaddrs())
    await until(() => a.services.dht.routingTable.has(b.peerId), 'a has b in its table', { timeout: 10_000 })
  })
})

describe('TableFill', () => {
  const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false, newScope: () => log }) as any

  it('offers peers listed as DHT servers, probes peers of unknown protocols, skips the others, at most maxPeers', async () => {
    const peers = await Promise.all(Array.from({ length: 5 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    const speaks = new Map<string, 'dht' | 'other' | 'unknown'>([
      [peers[0].toString(), 'dht'], [peers[1].toString(), 'other'], [peers[2].toString(), 'unknown'], [peers[3].toString(), 'unknown'], [peers[4].toString(), 'dht']
    ])
    const offered: string[] = []
    const probed: string[] = []
    const fill = new TableFill({ size: 0, has: (p) => p.equals(peers[3]) }, {
      threshold: 10,
      interval: 2 ** 31 - 1,
      maxPeers: 3,
      concurrency: 2,
      connectedPeers: () => peers,
      speaks: async (p) => speaks.get(p.toString()) ?? 'unknown',
      offer: (p) => { offered.push(p.toString()) },
      probe: async (p) => { probed.push(p.toString()) },
      log
    })
    fill.start()
    try {
      await fill.fill()
    } finally {
      fill.stop()
    }
    // peers[3] is in the table already; of the others the first 3 are checked
    expect(offered).to.deep.equal([peers[0].toString()])
    expect(probed).to.deep.equal([peers[2].toString()])
  })

  it('a probe that fails is logged and the fill goes on; a stopped fill does nothing', async () => {
    const peers = await Promise.all(Array.from({ length: 2 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    const probed: string[] = []
    const fill = new TableFill({ size: 0, has: () => false }, {
      threshold: 10,
      interval: 2 ** 31 - 1,
      maxPeers: 20,
      concurrency: 1,
      connectedPeers: () => peers,
      speaks: async () => 'unknown',
      offer: () => {},
      probe: async (p) => {
        probed.push(p.toString())
        if (p.equals(peers[0])) { throw new RangeError('no answer') }
      },
      log
    })
    await fill.fill()
    expect(probed).to.deep.equal([])
    fill.start()
    await fill.fill()
    fill.stop()
    expect(probed).to.deep.equal(peers.map(p => p.toString()))
  })
})
