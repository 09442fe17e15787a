import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { createNode } from '@libp2p/test-fixtures'
import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { Registry } from 'prom-client'
import { kadDHT, passthroughMapper } from '../src/index.js'
import { collect, connect, stopAll } from './fixtures.js'
import type { DHTNode } from './fixtures.js'

/** the value of one series of a metric in the registry (0 when it has none yet) */
async function valueOf (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name)
  if (metric == null) { throw new TypeError(`no metric ${name}`) }
  const { values } = await metric.get()
  return values.find(v => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0
}

async function meteredNode (registry: Registry): Promise<DHTNode> {
  return createNode({
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper, initialQuerySelfInterval: 2 ** 31 - 1 })
    },
    connectionMonitor: { enabled: false },
    metrics: prometheusMetrics({ registry, collectDefaultMetrics: false })
  }) as Promise<DHTNode>
}

describe('DHT metrics', function () {
  this.timeout(30_000)
  let nodes: DHTNode[] = []
  afterEach(async () => { await stopAll(nodes); nodes = [] })

  it('records the routing table size, records and provider keys stored, operations and inbound requests', async () => {
    const registryA = new Registry()
    const registryB = new Registry()
    const a = await meteredNode(registryA)
    const b = await meteredNode(registryB)
    nodes = [a, b]
    expect(await valueOf(registryA, 'libp2p_kad_dht_routing_table_size')).to.equal(0)
    await connect(a, b)
    expect(await valueOf(registryA, 'libp2p_kad_dht_routing_table_size')).to.equal(1)
    expect(await valueOf(registryB, 'libp2p_kad_dht_routing_table_size')).to.equal(1)

    const key = new Uint8Array([...new TextEncoder().encode('/pk/'), ...a.peerId.toMultihash().bytes])
    await collect(a.services.dht.put(key, publicKeyToProtobuf(a.peerId.publicKey!)))
    expect(await valueOf(registryA, 'libp2p_kad_dht_operations_total', { operation: 'put' })).to.equal(1)
    expect(await valueOf(registryB, 'libp2p_kad_dht_records_stored')).to.equal(1)
    expect(await valueOf(registryB, 'libp2p_kad_dht_inbound_rpc_requests_total', { operation: 'PUT_VALUE' })).to.be.at.least(1)

    const cid = CID.createV1(0x55, await sha256.digest(new TextEncoder().encode('metrics')))
    await collect(a.services.dht.provide(cid))
    expect(await valueOf(registryA, 'libp2p_kad_dht_operations_total', { operation: 'provide' })).to.equal(1)
    expect(await valueOf(registryB, 'libp2p_kad_dht_provider_keys_stored')).to.equal(1)
    expect(await valueOf(registryB, 'libp2p_kad_dht_inbound_rpc_requests_total', { operation: 'ADD_PROVIDER' })).to.be.at.least(1)

    // a query that fails counts as an error of its operation
    const aborted = new AbortController()
    aborted.abort()
    await expect(collect(a.services.dht.get(key, { signal: aborted.signal }))).to.eventually.be.rejected()
    expect(await valueOf(registryA, 'libp2p_kad_dht_operations_total', { operation: 'get' })).to.equal(1)
    expect(await valueOf(registryA, 'libp2p_kad_dht_operation_errors_total', { operation: 'get' })).to.equal(1)
    expect(await valueOf(registryA, 'libp2p_kad_dht_operation_errors_total', { operation: 'put' })).to.equal(0)
  })
})
