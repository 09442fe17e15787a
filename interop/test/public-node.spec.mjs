// Our public node (`libp2p node`, packages/cli, as its own process with a temporary data directory
// and --dht-lan, everything being on 127.0.0.1) used by js-libp2p 3.3.11 clients (interop/js-peer
// on Node 24) as an application would use a public node:
// - as a relay (@libp2p/circuit-relay-v2 4.2.13): a js listener reserves a slot on it, a js dialer
//   reaches the listener at <node>/p2p-circuit/p2p/<listener> over TCP and over WebSockets, then
//   pings and echoes over the circuit;
// - as a bootstrap peer (@libp2p/bootstrap 12.0.32 + @libp2p/kad-dht 16.4.5, js-peer/dht-peer.mjs
//   --bootstrap): two js DHT nodes that know only the node find each other (findPeer both ways) and
//   each other's content (provide / findProviders) and records (put / get) through it.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { payloadSha256 } from '../js-peer/payload.mjs'
import { eventually, pkRecord, randomContent } from './dht-mixed-peers.mjs'
import { JS_PEER_DIR, NODE24, ROOT_DIR, ensureJsPeer, spawnJsPeer, spawnLinePeer } from './harness.mjs'

const BIN = path.join(ROOT_DIR, 'packages', 'cli', 'dist', 'src', 'bin.js')
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
const WAIT_MS = 30_000
const ECHO_BYTES = 32 * 1024

/**
 * `libp2p node` on 127.0.0.1 (TCP and WebSockets) with its state in `dataDir`, resolved once it has
 * printed its peer id and both addresses; `stop()` sends SIGTERM and resolves with the exit code
 */
async function startPublicNode (dataDir) {
  const child = spawn(process.execPath, [BIN, 'node', '--data-dir', dataDir, '--dht-lan', '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // the environment could set any of the node's limits; its HTTP server (status page, metrics)
    // takes a free port, so that this node does not contend for the default with another one
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIBP2P_'))), LIBP2P_HTTP_LISTEN: '/ip4/127.0.0.1/tcp/0' }
  })
  let out = ''
  const exited = new Promise(resolve => child.once('exit', (code, signal) => resolve(code ?? signal)))
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`libp2p node printed no addresses within ${START_TIMEOUT_MS} ms: ${out}`)) }, START_TIMEOUT_MS)
    const check = () => {
      const addrs = [...out.matchAll(/listening on (\S+)/g)].map(m => m[1])
      const tcpAddr = addrs.find(a => !a.includes('/ws/'))
      const wsAddr = addrs.find(a => a.includes('/ws/'))
      const peerId = out.match(/peer id (\S+)/)?.[1]
      if (tcpAddr != null && wsAddr != null && peerId != null) { clearTimeout(timer); resolve({ peerId, tcpAddr, wsAddr }) }
    }
    child.stdout.on('data', (d) => { out += d; check() })
    child.stderr.on('data', (d) => { out += d })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`libp2p node exited (${code}) before listening: ${out}`)) })
  })
  const stop = async () => {
    if (child.exitCode == null && child.signalCode == null) { child.kill('SIGTERM') }
    const timer = setTimeout(() => { child.kill('SIGKILL') }, STOP_TIMEOUT_MS)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  try {
    return { ...(await started), stop, output: () => out }
  } catch (err) {
    await stop()
    throw err
  }
}

/** a js-libp2p DHT node (server mode, loopback addresses kept) whose only configured peer is `bootstrapAddr` */
async function jsDhtPeer (name, bootstrapAddr) {
  return spawnLinePeer(name, NODE24, [path.join(JS_PEER_DIR, 'dht-peer.mjs'), '--bootstrap', bootstrapAddr], { cwd: JS_PEER_DIR })
}

/** the js peer's dependencies, installed again if the node_modules there predates @libp2p/bootstrap */
function ensureBootstrapModule () {
  ensureJsPeer()
  if (fs.existsSync(path.join(JS_PEER_DIR, 'node_modules', '@libp2p', 'bootstrap', 'package.json'))) { return }
  const r = spawnSync('npm', ['ci', '--prefix', JS_PEER_DIR, '--no-audit', '--no-fund'], { cwd: ROOT_DIR, encoding: 'utf8', timeout: 180_000 })
  if (r.status !== 0) { throw new Error(`npm ci --prefix interop/js-peer failed: ${(r.stderr ?? '').slice(-2000)}`) }
}

describe('our public node (libp2p node) × js-libp2p clients', function () {
  this.timeout(120_000)
  const stops = []
  let dataDir
  let node

  before(async function () {
    if (!fs.existsSync(BIN)) {
      console.log(`      SKIPPED (every case): our node not built (${path.relative(ROOT_DIR, BIN)} is missing: npm run build)`)
      this.skip()
    }
    ensureBootstrapModule()
    dataDir = await mkdtemp(path.join(tmpdir(), 'public-node-interop-'))
    node = await startPublicNode(dataDir)
  })

  afterEach(async () => {
    await Promise.allSettled(stops.splice(0).map(async stop => stop()))
  })

  after(async () => {
    if (node != null) {
      const code = await node.stop()
      assert.equal(code, 0, node.output())
    }
    if (dataDir != null) { await rm(dataDir, { recursive: true, force: true }) }
  })

  it('relay: a js listener reserves on it, a js dialer reaches it through it over TCP and over WebSockets; ping and echo over the circuit', async () => {
    // every circuit reaches the listener from the node's host, and js-libp2p refuses a 6th inbound
    // connection from one host within a second by default (inboundConnectionThreshold)
    const listener = await spawnJsPeer({ name: 'js-listener', listen: [`${node.tcpAddr}/p2p-circuit`], env: { JS_PEER_INBOUND_CONNECTION_THRESHOLD: '100' } })
    stops.push(() => listener.stop())
    const { multiaddrs } = await listener.send('waitAddr', { contains: '/p2p-circuit', timeoutMs: WAIT_MS })
    // the reservation carries every address of the node, so the listener is announced under both
    for (const via of [node.tcpAddr, node.wsAddr]) {
      assert.ok(multiaddrs.includes(`${via}/p2p-circuit/p2p/${listener.peerId}`), `${via}/p2p-circuit/p2p/${listener.peerId} not in ${multiaddrs.join(', ')}`)
    }

    for (const [i, via] of [node.tcpAddr, node.wsAddr].entries()) {
      const dialer = await spawnJsPeer({ name: `js-dialer-${i}`, env: { JS_PEER_RELAY_CLIENT: '1' } })
      stops.push(() => dialer.stop())
      const target = `${via}/p2p-circuit/p2p/${listener.peerId}`
      const connection = await dialer.send('dial', { target, timeoutMs: WAIT_MS })
      assert.equal(connection.remotePeer, listener.peerId)
      // the node's defaults: 2 minutes, 128 KiB each way (js reports the bytes left after the upgrade)
      assert.equal(connection.limits?.seconds, 120)
      assert.ok(Number(connection.limits?.bytes) > 100_000 && Number(connection.limits?.bytes) <= 131072, `limits ${JSON.stringify(connection.limits)}`)
      const { rtt } = await dialer.send('ping', { target, timeoutMs: WAIT_MS })
      assert.ok(rtt >= 0)
      const echo = await dialer.send('echo', { target, bytes: ECHO_BYTES, seed: `public-node-${i}`, timeoutMs: WAIT_MS })
      assert.equal(echo.ok, true, JSON.stringify(echo.failures))
      assert.equal(echo.totalBytes, ECHO_BYTES)
      assert.equal(echo.results[0].received.sha256, payloadSha256(`public-node-${i}-0`, ECHO_BYTES))
    }
  })

  it('bootstrap: two js DHT nodes configured with bootstrap({ list: [node] }) find each other, content and records through it', async () => {
    const a = await jsDhtPeer('js-dht-a', node.tcpAddr)
    stops.push(() => a.stop())
    const b = await jsDhtPeer('js-dht-b', node.tcpAddr)
    stops.push(() => b.stop())
    // the bootstrap module dials the node; the node enters each one's routing table once identify shows it is a DHT server
    for (const p of [a, b]) {
      await eventually(`${p.name} has the node in its routing table`, async () => (await p.send('routingTable')).size > 0, WAIT_MS)
    }

    // neither has dialled the other: the node is the only way they can learn of each other. The
    // node adds each js node to its own table after identify, so a lookup may run before it has:
    // asked again until it answers, within WAIT_MS
    for (const [finder, found] of [[a, b], [b, a]]) {
      let result
      await eventually(`${finder.name} finds ${found.name}`, async () => {
        result = await finder.send('findPeer', { peer: found.peerId, timeoutMs: 10_000 })
        return true
      }, WAIT_MS)
      assert.equal(result.id, found.peerId)
      assert.ok(result.multiaddrs.some(ma => found.multiaddrs.some(f => f.startsWith(ma))), `${JSON.stringify(result.multiaddrs)} vs ${JSON.stringify(found.multiaddrs)}`)
    }

    const { cid } = randomContent()
    const provided = await a.send('provide', { cid, timeoutMs: WAIT_MS })
    assert.ok(provided.told.includes(node.peerId), `the node was not told of the provider: ${JSON.stringify(provided.told)}`)
    const { providers } = await b.send('findProviders', { cid, peer: a.peerId, timeoutMs: WAIT_MS })
    assert.ok(providers.some(p => p.id === a.peerId), `providers of ${cid}: ${JSON.stringify(providers)}`)

    const record = pkRecord()
    const put = await a.send('put', { ...record, timeoutMs: WAIT_MS })
    assert.ok(put.storedOn.includes(node.peerId), `the node did not store the record: ${JSON.stringify(put.storedOn)}`)
    const got = await b.send('get', { key: record.key, timeoutMs: WAIT_MS })
    assert.equal(got.value, record.value)
  })
})
