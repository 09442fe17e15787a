import { identify } from '@libp2p/identify'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { createNode } from '@libp2p/test-fixtures'
import { kadDHT, passthroughMapper } from '../src/index.js'
import type { KadDHTInit, QueryEvent, SingleKadDHT } from '../src/index.js'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'

export type DHTNode = Libp2p<{ dht: SingleKadDHT, identify: Identify, ping: Ping }>

/** a node on the memory transport running a server-mode DHT that keeps every address */
export async function dhtNode (init: KadDHTInit = {}, node: Pick<Libp2pInit, 'datastore' | 'privateKey'> = {}): Promise<DHTNode> {
  return createNode({
    ...node,
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
export async function dhtNetwork (count: number, options: { links?: number, init?: KadDHTInit, concurrency?: number } = {}): Promise<DHTNode[]> {
  const concurrency = options.concurrency ?? 10
  const nodes = await inBatches(Array.from({ length: count }, (_, i) => i), concurrency, async () => dhtNode(options.init))
  const links = options.links ?? 3
  // node i links to i-1 (so the graph is connected) and to random earlier nodes
  const edges: Array<[number, number]> = []
  for (let i = 1; i < count; i++) {
    edges.push([i, i - 1])
    for (let l = 1; l < Math.min(links, i); l++) { edges.push([i, Math.floor(Math.random() * i)]) }
  }
  await inBatches(edges, concurrency, async ([i, j]) => { await connect(nodes[i], nodes[j]) })
  await inBatches(nodes, concurrency, async (node) => { await node.services.dht.refreshRoutingTable() })
  return nodes
}

/** maps `items` through `fn`, `size` at a time, keeping the order */
export async function inBatches<T, R> (items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) {
    out.push(...await Promise.all(items.slice(i, i + size).map(fn)))
  }
  return out
}

/** dials b from a and waits until each has the other in its routing table */
export async function connect (a: DHTNode, b: DHTNode): Promise<void> {
  await a.dial(b.getMultiaddrs())
  await until(() => a.services.dht.routingTable.has(b.peerId) && b.services.dht.routingTable.has(a.peerId), 'each routing table has the other', { timeout: 30_000 })
}

export async function stopAll (nodes: DHTNode[]): Promise<void> {
  await Promise.all(nodes.map(async n => n.stop()))
}

/** every event of a query */
export async function collect (source: AsyncIterable<QueryEvent>): Promise<QueryEvent[]> {
  const out: QueryEvent[] = []
  for await (const e of source) { out.push(e) }
  return out
}
