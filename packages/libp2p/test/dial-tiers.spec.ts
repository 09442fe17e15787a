import { yamux } from '@chainsafe/libp2p-yamux'
import { plaintext } from '@libp2p/interface-compliance-tests/plaintext'
import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { memoryNode } from './fixtures.js'
import { hop, hopAddress, overHop } from './layered-transports.js'
import type { LayeredInit } from './layered-transports.js'
import type { Libp2pInit } from '../src/index.js'
import type { Libp2p } from '../src/libp2p.js'

const ADDRESS_DIAL_TIMEOUT_MS = 5_000

/** a node that dials over memory and through the two layered test transports */
async function layeredNode (init: Partial<Libp2pInit> & { hop?: LayeredInit, overHop?: LayeredInit } = {}): Promise<Libp2p> {
  const { hop: hopInit, overHop: overHopInit, ...rest } = init
  return memoryNode({
    transports: [memory(), hop(hopInit), overHop(overHopInit)],
    connectionEncrypters: [plaintext()],
    streamMuxers: [yamux()],
    ...rest
  })
}

describe('dial tiers (transports that dial through other connections)', function () {
  // a regression waits for slots until the address dial timeout instead of hanging the suite
  this.timeout(4 * ADDRESS_DIAL_TIMEOUT_MS)
  const nodes: Libp2p[] = []
  const track = async (p: Promise<Libp2p>): Promise<Libp2p> => {
    const node = await p
    nodes.push(node)
    return node
  }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('more tier-1 dials at once than maxParallelDials all connect: none holds the slot its inner dial needs', async () => {
    const hopNode = await track(memoryNode())
    const targets = await Promise.all([1, 2, 3].map(async () => track(memoryNode())))
    const dialer = await track(layeredNode({ connectionManager: { maxParallelDials: 1, addressDialTimeout: ADDRESS_DIAL_TIMEOUT_MS } }))

    const results = await Promise.allSettled(targets.map(async t => dialer.dial(hopAddress(hopNode, t))))
    expect(results.flatMap(r => r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [])).to.deep.equal([])
    // one shared inner connection to the hop
    expect(dialer.getConnections(hopNode.peerId)).to.have.lengthOf(1)
    for (const t of targets) {
      expect(dialer.getConnections(t.peerId)[0]?.limits).to.deep.equal({ seconds: 60 })
    }
  })

  it('a tier-2 dial opens the tier-1 connection to the same peer as an attempt of its own, with one slot per tier', async () => {
    const hopNode = await track(memoryNode())
    const target = await track(memoryNode())
    const dials: string[] = []
    const dialer = await track(layeredNode({
      connectionManager: { maxParallelDials: 1, addressDialTimeout: ADDRESS_DIAL_TIMEOUT_MS },
      hop: { dials },
      overHop: { dials }
    }))
    const viaHop = hopAddress(hopNode, target)
    const over = viaHop.encapsulate('/tls')

    const connection = await dialer.dial(over)
    expect(connection.remotePeer.equals(target.peerId)).to.equal(true)
    expect(connection.limits).to.equal(undefined)
    expect(dials).to.deep.equal([over.toString(), viaHop.toString()])
    // the limited connection it went through is open too
    expect(dialer.getConnections(target.peerId).map(c => c.limits != null).sort()).to.deep.equal([false, true])
  })

  it('a peer\'s addresses are tried unlimited ones first, lower tiers first within each', async () => {
    const hopNode = await track(memoryNode())
    const target = await track(memoryNode())
    const considered: string[] = []
    const dials: string[] = []
    const dialer = await track(layeredNode({
      connectionGater: { denyDialMultiaddr: (ma) => { considered.push(ma.toString()); return false } },
      hop: { dials },
      // the unlimited tier-2 address fails: the limited one is dialled next
      overHop: { dials, fail: true }
    }))
    const viaHop = hopAddress(hopNode, target)
    const over = viaHop.encapsulate('/tls')
    const nowhere = multiaddr(`/memory/nobody-${Date.now()}/p2p/${target.peerId.toString()}`)
    await dialer.peerStore.merge(target.peerId, { multiaddrs: [viaHop, over, nowhere] })

    const connection = await dialer.dial(target.peerId)
    expect(considered.slice(0, 3)).to.deep.equal([nowhere, over, viaHop].map(String))
    expect(dials).to.deep.equal([over.toString(), viaHop.toString()])
    expect(connection.limits).to.deep.equal({ seconds: 60 })
  })

  it('runOnLimitedConnection false leaves limited addresses out: a peer with only those gives LimitedConnectionError', async () => {
    const hopNode = await track(memoryNode())
    const target = await track(memoryNode())
    const dials: string[] = []
    const dialer = await track(layeredNode({ hop: { dials } }))

    await expect(dialer.dial(hopAddress(hopNode, target), { runOnLimitedConnection: false }))
      .to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    expect(dials).to.deep.equal([])
    expect(await dialer.components.connectionManager.isDialable(hopAddress(hopNode, target), { runOnLimitedConnection: false })).to.equal(false)
    expect(await dialer.components.connectionManager.isDialable(hopAddress(hopNode, target))).to.equal(true)
  })

  it('withinDialTier keeps a dial opened from inside another to lower tiers', async () => {
    const hopNode = await track(memoryNode())
    const target = await track(memoryNode())
    const dials: string[] = []
    const dialer = await track(layeredNode({ hop: { dials } }))

    await expect(dialer.components.connectionManager.openConnection(hopAddress(hopNode, target), { withinDialTier: 1 }))
      .to.eventually.be.rejected.with.property('name', 'NoValidAddressesError')
    expect(dials).to.deep.equal([])
  })

  it('an open limited connection is reused unless an unlimited address is named; a failed upgrade dial is not hidden behind it', async () => {
    const hopNode = await track(memoryNode())
    const target = await track(memoryNode())
    const dials: string[] = []
    const dialer = await track(layeredNode({ hop: { dials }, overHop: { dials, fail: true } }))
    const viaHop = hopAddress(hopNode, target)
    const limited = await dialer.dial(viaHop)
    expect(limited.limits).to.not.equal(undefined)

    // the peer id, or the limited address again: the open limited connection
    expect(await dialer.dial(target.peerId)).to.equal(limited)
    expect(await dialer.dial(viaHop)).to.equal(limited)
    // an unlimited tier-0 address that fails: the limited connection will do
    const nowhere = multiaddr(`/memory/nobody-${Date.now()}/p2p/${target.peerId.toString()}`)
    expect(await dialer.dial(nowhere)).to.equal(limited)
    // an address whose transport dials through another connection to set up an unlimited one: its error
    await expect(dialer.dial(viaHop.encapsulate('/tls'))).to.eventually.be.rejected.with.property('name', 'DialError')
    // the node's own address: an unlimited connection, dialled even though a limited one is open
    const direct = await dialer.dial(target.getMultiaddrs()[0])
    expect(direct.limits).to.equal(undefined)
    expect(await dialer.dial(target.peerId)).to.equal(direct)
  })
})
