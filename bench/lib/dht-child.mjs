// One DHT network of N in-process nodes of one stack (lib/dht-stacks.mjs): build, connect,
// refresh, then timed lookups and provides, memory before and after. Prints progress lines and
// one `result` line (JSON), then exits. Run by lib/dht.mjs, with --expose-gc.
import { randomBytes } from 'node:crypto'
import { emit, errorInfo, measureMemory, parseArgs, superviseChild, withTimeout } from './child-io.mjs'
import { measureQuery } from './dht-query.mjs'
import { loadDhtStack } from './dht-stacks.mjs'
import { countIdentify, diagnoseTables, sampleBuild } from './dht-trace.mjs'

const { stack, params } = parseArgs()
const { n, delayMs, links, lookups, provides, concurrency, stepTimeoutMs, queryTimeoutMs, hardTimeoutMs } = params
const role = `${stack} dht ${n}`
superviseChild({ role, hardTimeoutMs, onEnd: () => process.exit(0) })

const progress = (step, extra = {}) => emit({ type: 'progress', step, at: Math.round(performance.now()), ...extra })
const pick = (max, not = -1) => {
  for (;;) {
    const i = Math.floor(Math.random() * max)
    if (i !== not) return i
  }
}

/** maps items through fn, `size` at a time */
async function inBatches (items, size, fn) {
  const out = []
  for (let i = 0; i < items.length; i += size) out.push(...await Promise.all(items.slice(i, i + size).map(fn)))
  return out
}

/** resolves when condition() holds, checked every 50 ms; TimeoutError after timeoutMs */
async function until (condition, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw Object.assign(new Error(`${what}: not within ${timeoutMs} ms`), { name: 'TimeoutError' })
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function main () {
  const s = await loadDhtStack(stack)
  const baseline = await measureMemory()
  const t0 = performance.now()

  // even nodes provide optimistically (ours only: js has no such option); the option changes
  // nothing but the provides a node starts, so lookups run on all nodes alike
  const nodes = await inBatches([...Array(n).keys()], concurrency, (index) => s.createNode({ index, delayMs, dht: { optimisticProvide: index % 2 === 0 } }))
  const createdMs = performance.now() - t0
  progress('created', { ms: Math.round(createdMs) })
  const identifyCounts = countIdentify(nodes)
  const sampler = sampleBuild(nodes, identifyCounts, (sample) => progress('sample', sample))

  // node i dials i-1 (a connected graph) and links-1 random earlier nodes
  const neighbours = nodes.map(() => new Set())
  const edges = []
  for (let i = 1; i < n; i++) {
    const targets = new Set([i - 1])
    for (let l = 1; l < Math.min(links, i); l++) targets.add(pick(i))
    for (const j of targets) {
      edges.push([i, j])
      neighbours[i].add(j)
      neighbours[j].add(i)
    }
  }
  // a dial that fails under load is tried once more; the ones that fail twice are counted
  const dialFailures = []
  const dial = async ([i, j]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await nodes[i].dial(nodes[j].getMultiaddrs(), { signal: AbortSignal.timeout(queryTimeoutMs) })
        return
      } catch (err) {
        if (attempt === 2) { dialFailures.push(`${err.name}: ${err.message}`); neighbours[i].delete(j); neighbours[j].delete(i); return }
      }
    }
  }
  await withTimeout(inBatches(edges, concurrency, dial), stepTimeoutMs, 'dialling')
  // identify tells each end that the other is a DHT server; wait for both tables to say so
  let unconfirmed = null
  let diagnosis = null
  try {
    await until(() => nodes.every((node, i) => node.services.dht.routingTable.size >= neighbours[i].size), 'routing tables holding every neighbour', 60_000)
  } catch (err) {
    unconfirmed = nodes.filter((node, i) => node.services.dht.routingTable.size < neighbours[i].size).length
    progress('tables-incomplete', { nodes: unconfirmed, error: err.message })
    if (stack === 'ours') diagnosis = await diagnoseTables(nodes, neighbours, identifyCounts, '/ipfs/kad/1.0.0')
    progress('tables-diagnosis', { diagnosis })
  }
  const connectedMs = performance.now() - t0 - createdMs
  progress('connected', { edges: edges.length, dialFailures: dialFailures.length, ms: Math.round(connectedMs) })

  const refreshStart = performance.now()
  const refreshFailures = []
  await withTimeout(inBatches(nodes, concurrency, async (node) => {
    try {
      // a self-lookup, awaited: js's refreshRoutingTable() returns before its lookups end
      await measureQuery(node.services.dht.getClosestPeers(node.peerId.toMultihash().bytes, { signal: AbortSignal.timeout(queryTimeoutMs) }))
    } catch (err) {
      refreshFailures.push(`${err.name}: ${err.message}`)
    }
  }), stepTimeoutMs, 'refreshing')
  const refreshMs = performance.now() - refreshStart
  const tableSizes = nodes.map(node => node.services.dht.routingTable.size).sort((a, b) => a - b)
  progress('refreshed', { ms: Math.round(refreshMs), failures: refreshFailures.length, medianTable: tableSizes[n >> 1] })
  const buildSamples = sampler.stop()
  const built = await measureMemory()
  const connectionsBuilt = nodes.reduce((sum, node) => sum + node.getConnections().length, 0)

  const lookupSamples = []
  for (let l = 0; l < lookups; l++) {
    const source = pick(n)
    const target = pick(n, source)
    const signal = AbortSignal.timeout(queryTimeoutMs)
    try {
      const r = await measureQuery(nodes[source].services.dht.findPeer(nodes[target].peerId, { useCache: false, signal }), { stopAtFinalPeer: true })
      lookupSamples.push({ source, target, ...r })
    } catch (err) {
      lookupSamples.push({ source, target, found: false, error: `${err.name}: ${err.message}` })
    }
  }
  progress('lookups', { done: lookupSamples.length, found: lookupSamples.filter(x => x.found).length })

  const provideSamples = []
  const modes = stack === 'ours' ? [false, true] : [false]
  for (let p = 0; p < provides; p++) {
    for (const optimistic of modes) {
      // even nodes were built with optimisticProvide: true
      const source = 2 * pick(Math.floor(n / 2)) + (optimistic ? 0 : 1)
      const cid = s.CID.createV1(0x55, await s.sha256.digest(randomBytes(32)))
      try {
        const r = await measureQuery(nodes[source].services.dht.provide(cid, { signal: AbortSignal.timeout(queryTimeoutMs) }))
        provideSamples.push({ optimistic, source, ...r })
      } catch (err) {
        provideSamples.push({ optimistic, source, error: `${err.name}: ${err.message}` })
      }
    }
  }
  progress('provides', { done: provideSamples.length })
  const after = await measureMemory()

  emit({
    type: 'result',
    n,
    delayMs,
    edges: edges.length,
    dialFailures: { count: dialFailures.length, first: dialFailures.slice(0, 3) },
    tablesIncomplete: unconfirmed,
    tablesDiagnosis: diagnosis,
    buildSamples,
    timings: { createdMs, connectedMs, refreshMs },
    refreshFailures: { count: refreshFailures.length, first: refreshFailures.slice(0, 3) },
    tableSizes: { min: tableSizes[0], median: tableSizes[n >> 1], max: tableSizes[n - 1] },
    connections: { afterBuild: connectionsBuilt, afterRun: nodes.reduce((sum, node) => sum + node.getConnections().length, 0) },
    memory: { baseline, built, after },
    lookups: lookupSamples,
    provides: provideSamples
  })
}

main().then(() => process.exit(0), (err) => {
  emit({ type: 'error', role, error: errorInfo(err) })
  process.exit(1)
})
