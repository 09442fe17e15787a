// The DHT with the node's other parts: bootstrap peers feed its routing table, and a LAN and a
// WAN DHT run side by side on one node (js-libp2p's amino setup), each keeping its own addresses.
import { bootstrap } from '@libp2p/bootstrap'
import { identify } from '@libp2p/identify'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createNode } from '@libp2p/test-fixtures'
import { expect } from 'aegir/chai'
import { EventTypes, kadDHT, LAN_PROTOCOL, PROTOCOL, removePrivateAddressesMapper, removePublicAddressesMapper } from '../src/index.js'
import { collect, dhtNode, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'
import type { SingleKadDHT } from '../src/index.js'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

type DualNode = Libp2p<{ identify: Identify, ping: Ping, lan: SingleKadDHT, wan: SingleKadDHT }>

async function dualNode (): Promise<DualNode> {
  return createNode({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    services: {
      identify: identify(),
      ping: ping(),
      lan: kadDHT({ protocol: LAN_PROTOCOL, peerInfoMapper: removePublicAddressesMapper, clientMode: false, logPrefix: 'libp2p:kad-dht:lan', datastorePrefix: '/dht-lan' }),
      wan: kadDHT({ peerInfoMapper: removePrivateAddressesMapper, clientMode: false })
    },
    connectionMonitor: { enabled: false }
  }) as Promise<DualNode>
}

describe('the DHT with discovery and side by side', function () {
  this.timeout(30_000)
  let nodes: Array<DHTNode | DualNode> = []

  afterEach(async () => {
    await stopAll(nodes as DHTNode[])
    nodes = []
  })

  it('bootstrap peers that serve the DHT land in its routing table', async () => {
    const servers = [await dhtNode(), await dhtNode()]
    nodes.push(...servers)
    const newcomer = await createNode({
      services: { identify: identify(), ping: ping(), dht: kadDHT({ clientMode: false }) },
      peerDiscovery: [bootstrap({ list: servers.map(s => s.getMultiaddrs()[0].toString()), timeout: 0 })],
      connectionMonitor: { enabled: false }
    }) as DHTNode
    nodes.push(newcomer)
    await until(() => servers.every(s => newcomer.services.dht.routingTable.has(s.peerId)), 'both bootstrap peers are in the table', { timeout: 10_000 })
  })

  it('a LAN and a WAN DHT on one node: separate protocols and tables, loopback addresses only on the LAN', async () => {
    const a = await dualNode()
    const b = await dualNode()
    nodes.push(a, b)
    expect(a.getProtocols()).to.include.members([PROTOCOL, LAN_PROTOCOL])
    await a.dial(b.getMultiaddrs())
    await until(() => a.services.lan.routingTable.has(b.peerId) && a.services.wan.routingTable.has(b.peerId), 'b is in both of a\'s tables', { timeout: 10_000 })
    const lan = (await collect(a.services.lan.getClosestPeers(b.peerId.toMultihash().bytes))).filter(e => e.type === EventTypes.FINAL_PEER)
    const wan = (await collect(a.services.wan.getClosestPeers(b.peerId.toMultihash().bytes))).filter(e => e.type === EventTypes.FINAL_PEER)
    const addrs = (events: typeof lan): string[] => events.flatMap(e => e.type === EventTypes.FINAL_PEER ? e.peer.multiaddrs.map(String) : [])
    expect(addrs(lan).some(ma => ma.startsWith('/ip4/127.0.0.1/tcp/'))).to.equal(true)
    expect(addrs(wan)).to.deep.equal([])
  })
})
