// The processes of the rendezvous benchmark: `libp2p node` (ours; the relay and DHT server both
// libp2p stacks meet through, serving the app at /app/), PeerJS's signaling server (`peer` 1.0.2),
// and reads the node's /metrics to see a page's room announcement arrive. The processes are
// started with a deadline for their ready line and stopped by pid (SIGTERM, then SIGKILL).
import { execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const READY_MS = 30_000
const STOP_GRACE_MS = 5_000
const METRICS_MS = 5_000
const NPM_CI_MS = 5 * 60_000

/** spawns `node args`, resolves with what `ready(output)` returns once it returns something */
async function startProcess (what, args, ready, options = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  const killByPid = () => { try { process.kill(child.pid, 'SIGKILL') } catch {} }
  process.once('exit', killByPid)
  let output = ''
  const exited = new Promise(resolve => child.once('exit', code => resolve(code)))
  const stop = async () => {
    if (child.exitCode == null && child.signalCode == null) {
      child.kill('SIGTERM')
      const timer = setTimeout(killByPid, STOP_GRACE_MS)
      await exited
      clearTimeout(timer)
    }
    process.off('exit', killByPid)
  }
  try {
    const info = await new Promise((resolve, reject) => {
      const check = () => { const r = ready(output); if (r != null) resolve(r) }
      child.stdout.on('data', d => { output += d; check() })
      child.stderr.on('data', d => { output = (output + d).slice(-20_000) })
      void exited.then(code => reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`)))
      setTimeout(() => reject(new Error(`${what} was not ready within ${READY_MS} ms:\n${output}`)), READY_MS).unref()
    })
    return { ...info, pid: child.pid, output: () => output, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/**
 * `libp2p node` on 127.0.0.1 (TCP and WebSockets on ports the OS picks), a fresh data directory,
 * `--dht-lan` (the pages' addresses are loopback ones) and its HTTP server on a free port serving
 * the built app at /app/. Every page comes from 127.0.0.1, so the per-IP reservation cap is raised.
 */
export async function startLibp2pNode (bin, appDir) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-rendezvous-node-'))
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LIBP2P_')))
  const args = [bin, 'node', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws',
    '--dht-lan', '--max-reservations-per-ip', '64', '--http-listen', '/ip4/127.0.0.1/tcp/0', '--app-dir', appDir]
  const node = await startProcess('libp2p node', args, (out) => {
    const peerId = out.match(/^peer id (\S+)$/m)?.[1]
    const ws = out.match(/^listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\S*)$/m)?.[1]
    const appUrl = out.match(/^app (http\S+)$/m)?.[1]
    if (peerId == null || ws == null || appUrl == null) return undefined
    return { peerId, relay: ws.includes('/p2p/') ? ws : `${ws}/p2p/${peerId}`, appUrl, httpUrl: new URL('/', appUrl).toString() }
  }, { env })
  const stop = node.stop
  node.stop = async () => { await stop(); await rm(dataDir, { recursive: true, force: true }) }
  return node
}

/**
 * The node's count of room keys it holds provider records for (its /metrics,
 * libp2p_kad_dht_provider_keys_stored): every round's room is new, so page A's announcement raises it
 */
export async function providerKeysStored (httpUrl) {
  const res = await fetch(new URL('/metrics', httpUrl), { signal: AbortSignal.timeout(METRICS_MS) })
  const text = await res.text()
  const value = text.match(/^libp2p_kad_dht_provider_keys_stored (\d+)$/m)?.[1]
  if (value == null) throw new Error(`the node's /metrics has no libp2p_kad_dht_provider_keys_stored (HTTP ${res.status})`)
  return Number(value)
}

async function freePort () {
  const server = createServer()
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address()
  await new Promise(resolve => server.close(resolve))
  return port
}

/** `npm ci` in bench/peerjs when its node_modules is missing (pinned versions, its own lockfile) */
export async function ensurePeerjs (dir) {
  if (existsSync(join(dir, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js')) && existsSync(join(dir, 'node_modules', 'peer', 'package.json'))) return false
  await new Promise((resolve, reject) => {
    execFile('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeout: NPM_CI_MS }, (err, _out, stderr) => err != null ? reject(new Error(`npm ci in ${dir}: ${err.message}\n${stderr}`)) : resolve())
  })
  return true
}

/** PeerJS's signaling server (`peerjs --port <free> --host 127.0.0.1`), path / */
export async function startPeerServer (dir) {
  const port = await freePort()
  const bin = join(dir, 'node_modules', 'peer', 'dist', 'bin', 'peerjs.js')
  return startProcess('peer server', [bin, '--port', String(port), '--host', '127.0.0.1'], (out) => /Started PeerServer/i.test(out) ? { port } : undefined, { cwd: dir })
}
