// Client child: runs one scenario against a server child and prints {"type":"result",…}.
//   node [--expose-gc] [--import shim] client.mjs --stack ours|js --scenario <name> --addr <multiaddr> --params '{…}'
// Scenarios: throughput, connect, streams, memory, wire (see ../README.md).
import { emit, errorInfo, measureMemory, parseArgs, superviseChild, withTimeout } from './child-io.mjs'
import { echoOneByte, firstEcho, payloadIntact, perfExchange } from './protocols.mjs'
import { loadStack } from './stacks.mjs'
import { runStyles } from './styles.mjs'

const args = parseArgs()
const params = args.params ?? {}
let node

superviseChild({
  role: 'client',
  hardTimeoutMs: params.hardTimeoutMs ?? 300_000,
  async onEnd () {
    if (node != null) await withTimeout(node.stop(), 2000, 'client stop').catch(() => {})
  }
})

const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

async function closeQuietly (connection, ms = 5000) {
  try {
    await withTimeout(connection.close(), ms, 'connection close')
  } catch (err) {
    connection.abort(err)
  }
}

const scenarios = {
  async throughput (A, ma) {
    const connection = await node.dial(ma)
    const warm = params.warmupBytes ?? 0
    if (warm > 0) await perfExchange(A, connection, warm, warm)
    const upload = await perfExchange(A, connection, params.uploadBytes, 0)
    const download = await perfExchange(A, connection, 0, params.downloadBytes)
    await closeQuietly(connection)
    return {
      warmupExchanges: warm > 0 ? 1 : 0,
      upload: { bytes: params.uploadBytes, ...upload },
      download: { bytes: params.downloadBytes, ...download },
      payloadIntact: payloadIntact()
    }
  },

  async styles (A, ma) {
    const connection = await node.dial(ma)
    const res = await runStyles(A, connection, { bytes: params.bytes, warmupBytes: params.warmupBytes })
    await closeQuietly(connection)
    return { ...res, payloadIntact: payloadIntact() }
  },

  async connect (A, ma) {
    const samples = []
    let extraConnections = 0
    const total = (params.warmup ?? 0) + params.iterations
    const deadline = performance.now() + (params.maxMs ?? 120_000)
    for (let i = 0; i < total && performance.now() < deadline; i++) {
      const t0 = performance.now()
      const connection = await node.dial(ma)
      const t1 = performance.now()
      // by peer id: the ping must use the connection just opened (see README, "ping by peer id")
      await node.services.ping.ping(connection.remotePeer)
      const t2 = performance.now()
      if (connection.status !== 'open') throw new Error(`connection ${connection.status} after the ping`)
      const open = node.getConnections()
      extraConnections += open.length - 1
      await Promise.all(open.map(async c => closeQuietly(c)))
      if (i >= (params.warmup ?? 0)) samples.push({ dialMs: t1 - t0, pingMs: t2 - t1, totalMs: t2 - t0 })
    }
    return { samples, extraConnections }
  },

  async streams (A, ma) {
    const connection = await node.dial(ma)
    for (let i = 0; i < (params.warmup ?? 0); i++) await echoOneByte(A, connection)
    const maxMs = params.maxMs ?? 30_000

    let t0 = performance.now()
    let sequential = 0
    while (sequential < params.sequential && performance.now() - t0 < maxMs) {
      await echoOneByte(A, connection)
      sequential++
    }
    const sequentialMs = performance.now() - t0

    t0 = performance.now()
    let started = 0
    let parallel = 0
    await Promise.all(Array.from({ length: params.concurrency }, async () => {
      while (started < params.parallel && performance.now() - t0 < maxMs) {
        started++
        await echoOneByte(A, connection)
        parallel++
      }
    }))
    const parallelMs = performance.now() - t0
    const openStreams = connection.streams.length
    await closeQuietly(connection)
    return {
      sequential: { streams: sequential, ms: sequentialMs, perSecond: sequential / (sequentialMs / 1000) },
      parallel: { streams: parallel, concurrency: params.concurrency, ms: parallelMs, perSecond: parallel / (parallelMs / 1000) },
      streamsLeftOpen: openStreams
    }
  },

  async memory (A, ma) {
    const baseline = await measureMemory()
    emit({ type: 'mem', phase: 'baseline', ...baseline, connections: node.getConnections().length })
    const t0 = performance.now()
    const connections = []
    // a dial that fails (under heavy machine load a handshake can hit a stack's own timeout) is
    // retried twice; retries are reported
    const retried = []
    for (let i = 0; i < params.connections; i++) {
      for (let attempt = 1; ; attempt++) {
        try {
          connections.push(await node.dial(ma, { force: true }))
          break
        } catch (err) {
          if (attempt >= 3) {
            err.message += ` (connection ${i + 1} of ${params.connections}, attempt ${attempt})`
            throw err
          }
          retried.push({ connection: i + 1, error: `${err.name}: ${err.message}` })
        }
      }
    }
    const dialMs = performance.now() - t0
    await sleep(params.settleMs ?? 1000)
    const open = connections.filter(c => c.status === 'open').length
    const loaded = await measureMemory()
    emit({ type: 'mem', phase: 'loaded', ...loaded, connections: node.getConnections().length, open })
    // keep the connections (and this process) alive until the parent has measured the server and
    // closes stdin (superviseChild then stops the node and exits)
    return { dialMs, open, retried, hold: true }
  },

  async wire (A, ma) {
    // alternate: through the delaying proxy (ma), and straight to the server (params.directAddr)
    // so that the processing time can be subtracted from the proxied time
    const direct = A.multiaddr(params.directAddr)
    const once = async (target) => {
      const t0 = performance.now()
      const connection = await node.dial(target, { force: true })
      const t1 = performance.now()
      await firstEcho(A, connection)
      const t2 = performance.now()
      await closeQuietly(connection)
      return { dialMs: t1 - t0, firstEchoMs: t2 - t1, totalMs: t2 - t0 }
    }
    const samples = []
    const directSamples = []
    const total = (params.warmup ?? 0) + params.iterations
    for (let i = 0; i < total; i++) {
      const d = await once(direct)
      const p = await once(ma)
      if (i >= (params.warmup ?? 0)) {
        directSamples.push(d)
        samples.push(p)
      }
    }
    return { samples, directSamples }
  }
}

try {
  const run = scenarios[args.scenario]
  if (run == null) throw new TypeError(`unknown scenario ${args.scenario}`)
  const A = await loadStack(args.stack)
  node = await A.createNode({ listen: false, withIdentify: params.withIdentify === true })
  const ma = A.multiaddr(args.addr)
  emit({ type: 'started', pid: process.pid })
  const result = await run(A, ma)
  emit({ type: 'result', scenario: args.scenario, stack: args.stack, ...result })
  if (result.hold === true) await new Promise(() => {})
  await withTimeout(node.stop(), 5000, 'client stop').catch(() => {})
  node = undefined
  process.exit(0)
} catch (err) {
  emit({ type: 'error', role: 'client', error: errorInfo(err) })
  process.exit(1)
}
