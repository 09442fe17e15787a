// The relay of bench/micro/relay-memory.mjs, one per process: built as packages/cli's
// startPublicNode builds `libp2p node` (publicTransports: TCP, WebSockets, WebRTC-Direct, Noise,
// Yamux; identify, ping, circuitRelayServer, kadDHT server; LevelDB in a temp data directory),
// except that each service and the connection monitor can be left out, so each part's memory can
// be told apart, and the per-IP inbound rate is raised so hundreds of clients on 127.0.0.1 connect
// in seconds rather than minutes (it bounds how fast connections arrive, not what one costs).
//   node --expose-gc relay-memory-relay.mjs --params '{"off":["dht",…],"limits":{…},"hardTimeoutMs":…}'
// stdout: {"type":"ready","addr"}, then one line per command.
// stdin: {"cmd":"mem","tag"} (full GC, then memory and counts); {"cmd":"snapshot","file"} (full GC,
// then a V8 heap snapshot written to file). EOF on stdin stops it.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import v8 from 'node:v8'
import { emit, errorInfo, measureMemory, parseArgs, superviseChild, withTimeout } from '../lib/child-io.mjs'
import { REPO_DIR } from '../lib/stacks.mjs'

const { params } = parseArgs()
/** parts left out: any of identify, ping, relay, dht, monitor */
const off = new Set(params.off ?? [])
const LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
let node
/** each resource start() makes registers how to release it */
const undos = []

superviseChild({
  role: 'relay-memory relay',
  hardTimeoutMs: params.hardTimeoutMs,
  async onCommand (cmd) {
    if (cmd.cmd === 'mem') {
      const memory = await measureMemory()
      // V8's spaces: a young generation grown under the arrival of connections is a fixed cost, not a per-connection one
      const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map(s => [s.space_name, { size: s.space_size, used: s.space_used_size }]))
      emit({ type: 'mem', tag: cmd.tag, ...memory, spaces, ...counts() })
    } else if (cmd.cmd === 'snapshot') {
      await measureMemory()
      v8.writeHeapSnapshot(cmd.file)
      emit({ type: 'snapshot', file: cmd.file })
    } else {
      throw new TypeError(`unknown command ${cmd.cmd}`)
    }
  },
  async onEnd () {
    // what start() made, undone in reverse order
    for (const undo of undos.reverse()) await undo().catch(() => {})
  }
})

function counts () {
  return {
    reservations: node?.services.relay?.reservationCount ?? 0,
    connections: node?.getConnections().length ?? 0
  }
}

async function start () {
  const cli = join(REPO_DIR, 'packages', 'cli', 'dist', 'src')
  const [{ publicTransports }, { dataDirPaths, openDatastore }, { generateKeyPair }, { createLibp2p }, { identify }, { ping }, { circuitRelayServer }, { kadDHT, passthroughMapper }] = await Promise.all([
    import(pathToFileURL(join(cli, 'relay.js')).href),
    import(pathToFileURL(join(cli, 'data-dir.js')).href),
    import('@libp2p/crypto/keys'),
    import('libp2p'),
    import('@libp2p/identify'),
    import('@libp2p/ping'),
    import('@libp2p/circuit-relay-v2'),
    import('@libp2p/kad-dht')
  ])
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-relay-memory-'))
  undos.push(async () => { rmSync(dataDir, { recursive: true, force: true }) })
  const datastore = await openDatastore(dataDirPaths(dataDir))
  undos.push(() => datastore.close())
  const limits = params.limits
  const services = {}
  if (!off.has('identify')) services.identify = identify()
  if (!off.has('ping')) services.ping = ping()
  if (!off.has('relay')) {
    services.relay = circuitRelayServer({
      maxCircuits: limits.maxCircuits,
      maxCircuitsPerPeer: limits.maxCircuitsPerPeer,
      reservations: {
        maxReservations: limits.maxReservations,
        maxReservationsPerIp: limits.maxReservationsPerIp,
        reservationTtl: limits.reservationTtl,
        defaultDurationLimit: limits.circuitDurationLimit,
        defaultDataLimit: BigInt(limits.circuitDataLimit)
      }
    })
  }
  if (!off.has('dht')) services.dht = kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper })
  const created = await createLibp2p({
    ...publicTransports({ privateKey: await generateKeyPair('Ed25519'), listen: LISTEN }),
    datastore,
    connectionManager: { maxConnections: limits.maxConnections, inboundConnectionThreshold: 1_000_000, maxIncomingPendingConnections: 64 },
    connectionMonitor: { enabled: !off.has('monitor') },
    services
  })
  undos.push(() => withTimeout(created.stop(), 2500, 'relay stop'))
  return created
}

try {
  node = await start()
  const addr = node.getMultiaddrs().map(String).find(a => /\/tcp\/\d+\/p2p\//.test(a) && !a.includes('/ws'))
  if (addr == null) throw new Error('relay: no TCP listen address')
  emit({ type: 'ready', addr, pid: process.pid })
} catch (err) {
  emit({ type: 'error', role: 'relay-memory relay', error: errorInfo(err) })
  process.exit(1)
}
