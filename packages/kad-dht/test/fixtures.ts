import { identify } from '@libp2p/identify'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { createNode } from '@libp2p/test-fixtures'
import { kadDHT, passthroughMapper } from '../src/index.js'
import type { KadDHTInit, SingleKadDHT } from '../src/index.js'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

export type DHTNode = Libp2p<{ dht: SingleKadDHT, identify: Identify, ping: Ping }>

/** a node on the memory transport running a server-mode DHT that keeps every address */
export async function dhtNode (init: KadDHTInit = {}): Promise<DHTNode> {
  return createNode({
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper, initialQuerySelfInterval: 2 ** 31 - 1, ...init })
    },
    // the monitor pings every connection: noise for a network of hundreds of in-process nodes
    connectionMonitor: { enabled: false }
  }) as Promise<DHTNode>
}

/**
 * `count` DHT nodes, each connected to `links` earlier ones (a connected graph), then every node
 * refreshes its table once (a self-lookup), as the periodic refresh would.
 */
export async function dhtNetwork (count: number, options: { links?: number, init?: KadDHTInit } = {}): Promise<DHTNode[]> {
  const nodes: DHTNode[] = []
  for (let i = 0; i < count; i++) {
    nodes.push(await dhtNode(options.init))
  }
  const links = options.links ?? 3
  for (let i = 1; i < count; i++) {
    for (let l = 0; l < Math.min(links, i); l++) {
      const j = l === 0 ? i - 1 : Math.floor(Math.random() * i)
      await connect(nodes[i], nodes[j])
    }
  }
  for (const node of nodes) { await node.services.dht.refreshRoutingTable() }
  return nodes
}

/** dials b from a and waits until each has the other in its routing table */
export async function connect (a: DHTNode, b: DHTNode): Promise<void> {
  await a.dial(b.getMultiaddrs())
  await until(() => a.services.dht.routingTable.size > 0 && b.services.dht.routingTable.size > 0, 'both routing tables have a peer', { timeout: 10_000 })
}

export async function stopAll (nodes: DHTNode[]): Promise<void> {
  await Promise.all(nodes.map(async n => n.stop()))
}
