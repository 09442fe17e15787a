// What a DHT network was doing while it was built: a sample every few seconds (connections,
// routing-table sizes, identify outcomes, event-loop delay, memory), and for a node whose table
// holds fewer peers than the servers it dialled, why: per neighbour, whether it is connected,
// whether identify finished, whether the peer store lists the DHT protocol for it.
// Used by lib/dht-child.mjs; the samples go out as `progress` lines.
import { monitorEventLoopDelay } from 'node:perf_hooks'

const MiB = 1024 * 1024

/**
 * Counts identify outcomes per node by wrapping the identify service's public identify() (the
 * service calls it through `this` on every new connection, so the wrapper sees every exchange).
 */
export function countIdentify (nodes) {
  const counts = nodes.map(() => ({ ok: 0, failed: 0, errors: new Map() }))
  nodes.forEach((node, i) => {
    const identify = node.services.identify
    if (typeof identify?.identify !== 'function') return
    const original = identify.identify.bind(identify)
    identify.identify = async (connection, options) => {
      try {
        const result = await original(connection, options)
        counts[i].ok++
        return result
      } catch (err) {
        counts[i].failed++
        const key = `${err?.name}: ${String(err?.message).replace(/12D3\w+/g, 'PEER').slice(0, 80)}`
        counts[i].errors.set(key, (counts[i].errors.get(key) ?? 0) + 1)
        throw err
      }
    }
  })
  return counts
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { min: sorted[0], median: sorted[sorted.length >> 1], max: sorted[sorted.length - 1] }
}

/** starts a sample every `everyMs`; stop() ends it and returns the samples */
export function sampleBuild (nodes, identifyCounts, emit, everyMs = 10_000) {
  const delay = monitorEventLoopDelay({ resolution: 20 })
  delay.enable()
  const t0 = performance.now()
  const samples = []
  const take = () => {
    const tables = nodes.map(n => n.services.dht.routingTable.size)
    const connections = nodes.map(n => n.getConnections().length)
    const m = process.memoryUsage()
    const sample = {
      s: Math.round((performance.now() - t0) / 1000),
      connections: connections.reduce((a, b) => a + b, 0),
      perNode: stats(connections),
      tables: stats(tables),
      emptyTables: tables.filter(t => t === 0).length,
      identify: identifyCounts.reduce((acc, c) => ({ ok: acc.ok + c.ok, failed: acc.failed + c.failed }), { ok: 0, failed: 0 }),
      loopDelayMs: { p50: Math.round(delay.percentile(50) / 1e6), p99: Math.round(delay.percentile(99) / 1e6), max: Math.round(delay.max / 1e6) },
      rssMiB: Math.round(m.rss / MiB),
      heapMiB: Math.round(m.heapUsed / MiB)
    }
    delay.reset()
    samples.push(sample)
    emit(sample)
  }
  const timer = setInterval(take, everyMs)
  return {
    stop () {
      clearInterval(timer)
      take()
      delay.disable()
      return samples
    }
  }
}

/**
 * For each node whose table holds fewer peers than the neighbours it is linked to: what each
 * missing neighbour looks like from that node (at most `max` nodes reported).
 */
export async function diagnoseTables (nodes, neighbours, identifyCounts, protocol, max = 10) {
  const out = []
  for (let i = 0; i < nodes.length && out.length < max; i++) {
    const node = nodes[i]
    const table = node.services.dht.routingTable
    if (table.size >= neighbours[i].size) continue
    const missing = []
    for (const j of neighbours[i]) {
      const peer = nodes[j].peerId
      if (table.has(peer)) continue
      let protocols = null
      try {
        protocols = (await node.peerStore.get(peer)).protocols
      } catch {}
      missing.push({
        j,
        connections: node.getConnections(peer).length,
        peerStoreHasProtocol: protocols?.includes(protocol) ?? null,
        peerStoreProtocols: protocols?.length ?? null,
        // the other side: does j's table hold i?
        backLinked: nodes[j].services.dht.routingTable.has(node.peerId)
      })
    }
    const counts = identifyCounts[i]
    out.push({ node: i, table: table.size, neighbours: neighbours[i].size, identify: { ok: counts.ok, failed: counts.failed, errors: Object.fromEntries(counts.errors) }, missing })
  }
  return out
}
