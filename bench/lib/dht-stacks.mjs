// The DHT scenario's nodes, one factory per stack, both on an in-process memory transport with
// the same one-way delay per chunk, Noise, Yamux, identify, ping and a server-mode kad-dht that
// keeps every address. Neither runs a periodic refresh during the run. js runs its refresh at
// start as by default (its queries wait for it), when its table is still empty; ours' first
// refresh (self-lookup + a random-key lookup per bucket up to the deepest, 1 s after its first
// peer) is left out, so both build their tables the same way: identify of the linked peers, then
// the one self-lookup per node that lib/dht-child.mjs runs once the network is connected. Ours'
// refresh run by every node of a 1,000-node network while it is being dialled did not finish
// in 12 minutes on 2 shared cores (docs/PERFORMANCE.md).
//   ours: @libp2p/memory `latencyMs` (one-way delay, order kept, chunks in flight overlap)
//   js:   @libp2p/memory 2.0.15 from interop/js-services with `latency: 0`, and each connection's
//         sendData() wrapped here to hand every chunk over after the same one-way delay. js's own
//         `latency` option is not used: it delays chunks one after another (a burst of k chunks
//         arrives k delays later) and the dial once more, which would charge js for its transport.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { JS_SHIM, LIMITS, REPO_DIR } from './stacks.mjs'

/** js-libp2p 3.3.11 + kad-dht 16.4.5 + memory 2.0.15 (interop/js-services, its own lockfile) */
export const JS_DHT_MODULES_DIR = process.env.BENCH_JS_DHT_MODULES ?? join(REPO_DIR, 'interop', 'js-services', 'node_modules')
export const JS_DHT_PACKAGES = ['libp2p', '@libp2p/kad-dht', '@libp2p/memory', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@libp2p/identify', '@libp2p/ping', 'multiformats']
/** the periodic self-lookup's interval: past any run (the largest timer Node accepts) */
const NEVER_MS = 2 ** 31 - 1
const DHT_INIT = { clientMode: false, querySelfInterval: NEVER_MS }
/** ours: no refresh at all during the run (js's first one is at start, on an empty table) */
const OURS_DHT_INIT = { ...DHT_INIT, initialQuerySelfInterval: NEVER_MS }

async function importFrom (dir, name, subpath = '.') {
  const pkgDir = join(dir, name)
  if (!existsSync(join(pkgDir, 'package.json'))) {
    throw new Error(`${name} not found in ${dir} (npm ci --prefix interop/js-services, or set BENCH_JS_DHT_MODULES)`)
  }
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))
  let entry = pkg.exports?.[subpath] ?? (subpath === '.' ? pkg.exports ?? pkg.main : undefined)
  if (typeof entry === 'object') entry = entry.import ?? entry.default ?? entry.node
  if (typeof entry === 'object') entry = entry.default
  return import(pathToFileURL(join(pkgDir, entry)).href)
}

export function jsDhtVersions () {
  return Object.fromEntries(JS_DHT_PACKAGES.map(n => {
    const file = join(JS_DHT_MODULES_DIR, n, 'package.json')
    return [n, existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : null]
  }))
}

/**
 * Hands every chunk a js memory connection sends to its peer `delayMs` later. Timers of one
 * duration fire in the order they were set, so chunks keep their order; close and reset go
 * through the same delay so they never overtake data.
 */
function delaySends (maConn, delayMs) {
  const sendData = maConn.sendData.bind(maConn)
  const sendClose = maConn.sendClose.bind(maConn)
  const sendReset = maConn.sendReset.bind(maConn)
  maConn.sendData = (data) => {
    const chunk = data.slice() // a copy, as a socket makes and as ours does
    setTimeout(() => { sendData(chunk) }, delayMs)
    return { sentBytes: chunk.byteLength, canSendMore: true }
  }
  maConn.sendClose = async (options) => { setTimeout(() => { void sendClose(options).catch(() => {}) }, delayMs) }
  maConn.sendReset = (err) => { setTimeout(() => { sendReset(err) }, delayMs) }
  return maConn
}

function delayingUpgrader (upgrader, delayMs) {
  const wrapped = Object.create(upgrader)
  wrapped.upgradeInbound = (maConn, opts) => upgrader.upgradeInbound(delaySends(maConn, delayMs), opts)
  wrapped.upgradeOutbound = (maConn, opts) => upgrader.upgradeOutbound(delaySends(maConn, delayMs), opts)
  return wrapped
}

/** js's memory transport with its connections' sends delayed by delayMs (see the header) */
function jsDelayedMemory (memory, delayMs) {
  return (components) => {
    const transport = memory({ latency: 0 })(components)
    if (delayMs <= 0) return transport
    const dial = transport.dial.bind(transport)
    const createListener = transport.createListener.bind(transport)
    transport.dial = (ma, options) => dial(ma, { ...options, upgrader: delayingUpgrader(options.upgrader, delayMs) })
    transport.createListener = (options) => createListener({ ...options, upgrader: delayingUpgrader(options.upgrader, delayMs) })
    return transport
  }
}

/** the same node on either stack: `m` holds that stack's factories */
function nodeInit (index, transport, m, dht) {
  return {
    addresses: { listen: [`/memory/dht-bench-${index}`] },
    transports: [transport],
    connectionEncrypters: [m.noise()],
    // one process runs every node: yamux's keep-alive (a ping per connection every 30 s, each
    // node's own small load on a real network) is tens of thousands of pings here, and once the
    // loaded event loop leaves them unanswered for 30 s it aborts connections by the thousand
    // (13,000 of 14,400 at once in a 500-node run); off on both stacks (its option name is js's)
    streamMuxers: [m.yamux({ enableKeepAlive: false })],
    // 5 s (the default) is too short for Noise + identify among hundreds of busy nodes on 2 cores
    connectionManager: { ...LIMITS, dialTimeout: 30_000 },
    connectionMonitor: { enabled: false },
    services: { identify: m.identify(), ping: m.ping(), dht }
  }
}

async function loadOurs () {
  const [{ createLibp2p }, { memory }, { noise }, { yamux }, { identify }, { ping }, { kadDHT, passthroughMapper }, { CID }, { sha256 }] = await Promise.all([
    import('libp2p'), import('@libp2p/memory'), import('@chainsafe/libp2p-noise'), import('@chainsafe/libp2p-yamux'),
    import('@libp2p/identify'), import('@libp2p/ping'), import('@libp2p/kad-dht'), import('multiformats/cid'), import('multiformats/hashes/sha2')
  ])
  return {
    CID,
    sha256,
    createNode ({ index, delayMs, dht }) {
      return createLibp2p(nodeInit(index, memory({ latencyMs: delayMs }), { noise, yamux, identify, ping }, kadDHT({ ...OURS_DHT_INIT, peerInfoMapper: passthroughMapper, ...dht })))
    }
  }
}

async function loadJs () {
  if (typeof Promise.withResolvers !== 'function') {
    throw new Error(`js-libp2p 3.x needs Promise.withResolvers: run with --import ${JS_SHIM}`)
  }
  const m = JS_DHT_MODULES_DIR
  const [{ createLibp2p }, { memory }, { noise }, { yamux }, { identify }, { ping }, { kadDHT, passthroughMapper }, { CID }, { sha256 }] = await Promise.all([
    importFrom(m, 'libp2p'), importFrom(m, '@libp2p/memory'), importFrom(m, '@chainsafe/libp2p-noise'), importFrom(m, '@chainsafe/libp2p-yamux'),
    importFrom(m, '@libp2p/identify'), importFrom(m, '@libp2p/ping'), importFrom(m, '@libp2p/kad-dht'),
    importFrom(m, 'multiformats', './cid'), importFrom(m, 'multiformats', './hashes/sha2')
  ])
  return {
    CID,
    sha256,
    createNode ({ index, delayMs, dht }) {
      // js has no optimistic provide: the option is dropped, and the scenario reports no such column
      const { optimisticProvide, ...jsDht } = dht ?? {}
      return createLibp2p(nodeInit(index, jsDelayedMemory(memory, delayMs), { noise, yamux, identify, ping }, kadDHT({ ...DHT_INIT, peerInfoMapper: passthroughMapper, ...jsDht })))
    }
  }
}

export async function loadDhtStack (name) {
  if (name === 'ours') return loadOurs()
  if (name === 'js') return loadJs()
  throw new TypeError(`unknown stack ${name}`)
}
