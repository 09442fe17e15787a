import { identify } from '@libp2p/identify'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { createNode } from '@libp2p/test-fixtures'
import { expect } from 'aegir/chai'
import { PROTOCOL } from '../src/constants.js'
import { EventTypes, kadDHT } from '../src/index.js'
import { collect, connect, dhtNode, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

describe('DHT modes and the periodic refresh', function () {
  this.timeout(30_000)
  let nodes: DHTNode[] = []

  afterEach(async () => {
    await stopAll(nodes)
    nodes = []
  })

  it('a client neither handles nor advertises the protocol, and servers keep it out of their tables', async () => {
    const server = await dhtNode()
    const client = await dhtNode({ clientMode: true })
    nodes.push(server, client)
    expect(client.services.dht.getMode()).to.equal('client')
    expect(client.getProtocols()).to.not.include(PROTOCOL)
    expect(server.getProtocols()).to.include(PROTOCOL)
    await client.dial(server.getMultiaddrs())
    // the client learns of the server (identify lists the protocol); the server ignores the client
    await connectOneWay(client, server)
    expect(server.services.dht.routingTable.has(client.peerId)).to.equal(false)
    // and the client can still query
    const found = await client.peerRouting.getClosestPeers(server.peerId.toMultihash().bytes)[Symbol.asyncIterator]().next()
    expect(found.done).to.equal(false)
    expect(server.services.dht.routingTable.has(client.peerId)).to.equal(false)
  })

  it('left unset, the mode is client while no announced address is public, server once one is', async () => {
    const node = await dhtNode({ clientMode: undefined })
    nodes.push(node)
    expect(node.services.dht.getMode()).to.equal('client')
    expect(node.getProtocols()).to.not.include(PROTOCOL)
    const publicNode = await dhtNodeAnnouncing('/ip4/198.51.100.7/tcp/4001')
    nodes.push(publicNode)
    expect(publicNode.services.dht.getMode()).to.equal('server')
    expect(publicNode.getProtocols()).to.include(PROTOCOL)
  })

  it('setMode switches at run time, registering and unregistering the protocol', async () => {
    const node = await dhtNode()
    nodes.push(node)
    await node.services.dht.setMode('client')
    expect(node.getProtocols()).to.not.include(PROTOCOL)
    await node.services.dht.setMode('server')
    expect(node.getProtocols()).to.include(PROTOCOL)
  })

  it('a query on an empty routing table waits for a peer (js-libp2p does too), or for the caller\'s signal', async () => {
    const a = await dhtNode()
    const b = await dhtNode()
    nodes.push(a, b)
    const controller = new AbortController()
    const waiting = collect(a.services.dht.getClosestPeers(b.peerId.toMultihash().bytes, { signal: controller.signal }))
    controller.abort(new RangeError('gave up'))
    await expect(waiting).to.eventually.be.rejectedWith(RangeError)
    const query = collect(a.services.dht.getClosestPeers(b.peerId.toMultihash().bytes))
    await connect(a, b)
    const finals = (await query).filter(e => e.type === EventTypes.FINAL_PEER)
    expect(finals.map(e => e.type === EventTypes.FINAL_PEER ? e.peer.id.toString() : '')).to.include(b.peerId.toString())
  })

  it('the periodic refresh runs, and runs again (js-libp2p\'s did not until 16.3.4)', async () => {
    const a = await dhtNode({ querySelfInterval: 50, initialQuerySelfInterval: 0 })
    const b = await dhtNode()
    nodes.push(a, b)
    let refreshes = 0
    const twice = new Promise<void>(resolve => {
      (a.services.dht as unknown as EventTarget).addEventListener('refresh', () => { if (++refreshes === 2) { resolve() } })
    })
    await connect(a, b)
    await twice
    expect(refreshes).to.be.at.least(2)
  })
})

async function connectOneWay (client: DHTNode, server: DHTNode): Promise<void> {
  await until(() => client.services.dht.routingTable.has(server.peerId), 'the client has the server in its table', { timeout: 10_000 })
}

async function dhtNodeAnnouncing (addr: string): Promise<DHTNode> {
  return createNode({
    addresses: { announce: [addr] },
    services: { identify: identify(), ping: ping(), dht: kadDHT() },
    connectionMonitor: { enabled: false }
  }) as Promise<DHTNode>
}
