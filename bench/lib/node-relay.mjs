// The relay under test, one per process: ours is `libp2p node` (packages/cli's startPublicNode:
// relay, DHT server, identify, ping over TCP + WebSockets, a LevelDB datastore in a temp data
// directory); js is js-libp2p 3.x with the same services (circuitRelayServer, kadDHT server,
// identify, ping; its default in-memory datastore) and the same limits.
//   node --expose-gc [--import shim] node-relay.mjs --stack ours|js --params '{"limits":{…},"hardTimeoutMs":…}'
// stdout: {"type":"ready","addr","peerId","pid"}, then one line per command.
// stdin: {"cmd":"mem"} (full GC, then memory), {"cmd":"usage"} (CPU time and memory without GC,
// reservations, circuits, connections). EOF on stdin stops it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { emit, errorInfo, measureMemory, parseArgs, superviseChild, withTimeout } from './child-io.mjs'
import { JS_MODULES_DIR, REPO_DIR } from './stacks.mjs'

const { stack, params } = parseArgs()
// {"countRefusals":true}: the connection manager's debug log is switched on (before libp2p loads)
// and read here instead of printed, to count the inbound connections it refused, by reason
const refusals = {}
const REFUSAL_REASONS = ['maxIncomingPendingConnections', 'inboundConnectionThreshold', 'maxConnections', 'denied']
if (params.countRefusals === true) {
  process.env.DEBUG = 'libp2p:connection-manager'
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = (chunk, ...rest) => {
    const text = String(chunk)
    if (!text.includes('libp2p:connection-manager')) return write(chunk, ...rest)
    const reason = text.includes('refused inbound') ? REFUSAL_REASONS.find(r => text.includes(r)) ?? 'other' : undefined
    if (reason != null) refusals[reason] = (refusals[reason] ?? 0) + 1
    return true
  }
}
const limits = params.limits
const LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
let node
let dataDir
let datastore

superviseChild({
  role: `${stack} relay`,
  hardTimeoutMs: params.hardTimeoutMs,
  async onCommand (cmd) {
    if (cmd.cmd === 'mem') {
      emit({ type: 'mem', tag: cmd.tag, ...await measureMemory(), ...counts() })
    } else if (cmd.cmd === 'usage') {
      const cpu = process.cpuUsage()
      const m = process.memoryUsage()
      emit({ type: 'usage', tag: cmd.tag, cpuUs: cpu.user + cpu.system, rss: m.rss, heapUsed: m.heapUsed, ...counts() })
    } else {
      throw new TypeError(`unknown command ${cmd.cmd}`)
    }
  },
  async onEnd () {
    if (node != null) await withTimeout(node.stop(), 2500, 'relay stop').catch(() => {})
    await datastore?.close().catch(() => {})
    if (dataDir != null) rmSync(dataDir, { recursive: true, force: true })
  }
})

/** the relay's own counters: ours has them on the service, js has a reservations map only */
function counts () {
  const relay = node?.services.relay
  return {
    reservations: relay?.reservationCount ?? relay?.reservations?.size,
    circuits: relay?.circuitCount,
    connections: node?.getConnections().length ?? 0,
    refusedInbound: params.countRefusals === true ? { ...refusals } : undefined
  }
}

/** a js-libp2p package's ESM entry ("exports" '.', its import condition) from JS_MODULES_DIR */
function importJs (name) {
  const dir = join(JS_MODULES_DIR, name)
  const { exports: ex, main } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const dot = ex?.['.'] ?? ex ?? main
  return import(pathToFileURL(join(dir, typeof dot === 'string' ? dot : dot.import ?? dot.default)).href)
}

async function startOurs () {
  const cli = join(REPO_DIR, 'packages', 'cli', 'dist', 'src')
  const [{ startPublicNode }, { dataDirPaths, openDatastore }, { generateKeyPair }] = await Promise.all([
    import(pathToFileURL(join(cli, 'public-node.js')).href),
    import(pathToFileURL(join(cli, 'data-dir.js')).href),
    import('@libp2p/crypto/keys')
  ])
  dataDir = mkdtempSync(join(os.tmpdir(), 'bench-node-'))
  datastore = await openDatastore(dataDirPaths(dataDir))
  return startPublicNode({ privateKey: await generateKeyPair('Ed25519'), datastore, listen: LISTEN, limits, dhtLan: params.dhtLan === true })
}

async function startJs () {
  const [{ createLibp2p }, { tcp }, { webSockets }, { noise }, { yamux }, { identify }, { ping }, { circuitRelayServer }, kad] = await Promise.all([
    importJs('libp2p'), importJs('@libp2p/tcp'), importJs('@libp2p/websockets'), importJs('@chainsafe/libp2p-noise'),
    importJs('@chainsafe/libp2p-yamux'), importJs('@libp2p/identify'), importJs('@libp2p/ping'),
    importJs('@libp2p/circuit-relay-v2'), importJs('@libp2p/kad-dht')
  ])
  return createLibp2p({
    addresses: { listen: LISTEN },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // js-libp2p's defaults (300 connections) raised to ours; its per-IP inbound rate (5/s) and
    // pending upgrades (10) are left at their defaults, the same as ours
    connectionManager: { maxConnections: limits.maxConnections },
    // js-libp2p's connection monitor aborted every connection whose ping was late on this loaded
    // machine (all 200 of a trial run, in the middle of its circuits): off, so the relay itself is
    // what is measured. Ours keeps its monitor (startPublicNode's default), which costs ours a
    // ping per connection every 10 s that js is spared here
    connectionMonitor: { enabled: false },
    // js-libp2p refuses to dial private addresses such as 127.0.0.1 by default
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      ping: ping(),
      // js-libp2p has no per-IP reservation cap and no circuit caps: maxReservations is its only limit
      relay: circuitRelayServer({
        reservations: {
          maxReservations: limits.maxReservations,
          reservationTtl: limits.reservationTtl,
          defaultDurationLimit: limits.circuitDurationLimit,
          defaultDataLimit: BigInt(limits.circuitDataLimit)
        }
      }),
      dht: kad.kadDHT({
        clientMode: false,
        peerInfoMapper: params.dhtLan === true ? kad.passthroughMapper : kad.removePrivateAddressesMapper
      })
    }
  })
}

try {
  node = stack === 'ours' ? await startOurs() : await startJs()
  const addr = node.getMultiaddrs().map(String).find(a => /\/tcp\/\d+\/p2p\//.test(a) && !a.includes('/ws'))
  if (addr == null) throw new Error('relay: no TCP listen address')
  emit({ type: 'ready', addr, peerId: node.peerId.toString(), pid: process.pid, jsModules: stack === 'js' ? JS_MODULES_DIR : undefined })
} catch (err) {
  emit({ type: 'error', role: `${stack} relay`, error: errorInfo(err) })
  process.exit(1)
}
