// The test-plans perf command (/perf/1.0.0, shared/INTEROP.md §3) across ours and js-libp2p 3.3.11:
// our `libp2p perf` (packages/cli/dist/src/bin.js perf) against interop/js-peer/perf.mjs (js-libp2p's
// TCP + Noise + Yamux with a perf handler of ours, @libp2p/perf being unavailable from npm here),
// each as server and as client, as separate processes on 127.0.0.1. `npm run bench -- --only
// perf-interop` measures the same pairs; this checks that they work.
//
// "1 byte each way" is the case that found the lost-request bug: our client proposes /perf/1.0.0,
// sends its 8-byte header and closes its write side in one burst; a js-libp2p listener that reads
// the FIN during its negotiation drops the header. Our optimistic select now holds the FIN until
// the listener confirms the protocol.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { JS_PEER_DIR, NODE24, ROOT_DIR, ensureJsPeer } from './harness.mjs'

/** the cli's bin: `libp2p perf ...` is the test-plans perf command */
const OURS_BIN = path.join(ROOT_DIR, 'packages', 'cli', 'dist', 'src', 'bin.js')
const JS_BIN = path.join(JS_PEER_DIR, 'perf.mjs')
/** Ed25519 from an all-zero seed: the identity the contract gives every perf server */
const FIXED_PEER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const READY_TIMEOUT_MS = 30_000
const CLIENT_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 5_000
const MiB = 1024 * 1024

const live = new Set()
process.on('exit', () => {
  for (const child of live) {
    try { process.kill(child.pid, 'SIGKILL') } catch {}
  }
})

function command (impl, args) {
  return impl === 'ours'
    ? { cmd: process.execPath, args: [OURS_BIN, 'perf', ...args] }
    : { cmd: NODE24, args: [JS_BIN, ...args] }
}

function environment () {
  const env = { ...process.env }
  delete env.NODE_OPTIONS // the test runner's, not meant for the peers
  return env
}

/** starts a perf server on a free port; resolves with { port, peerId, child, stop() } once it prints its address */
function startServer (impl) {
  const { cmd, args } = command(impl, ['--run-server', '--server-address', '127.0.0.1:0'])
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: environment() })
  live.add(child)
  let output = ''
  const exited = new Promise(resolve => child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }) }))
  const stop = async () => {
    if (child.exitCode != null || child.signalCode != null) return exited
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    const e = await exited
    clearTimeout(timer)
    return e
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`${impl} perf server printed no address within ${READY_TIMEOUT_MS} ms:\n${output}`)) }, READY_TIMEOUT_MS)
    const onData = (d) => {
      output += d
      // ours prints `listening on <ma>` on stderr, js prints `<ma>` on stdout
      const m = /\/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\/(\w+)/.exec(output)
      if (m == null) return
      clearTimeout(timer)
      resolve({ impl, port: Number(m[1]), peerId: m[2], stop, output: () => output })
    }
    child.stdout.setEncoding('utf8').on('data', onData)
    child.stderr.setEncoding('utf8').on('data', onData)
    exited.then(e => { clearTimeout(timer); reject(new Error(`${impl} perf server exited (${JSON.stringify(e)}) before printing its address:\n${output}`)) })
  })
}

/** one client run; resolves with { final, intermediaries, stderr } or rejects with its output */
function runClient (impl, server, uploadBytes, downloadBytes) {
  const { cmd, args } = command(impl, ['--server-address', `127.0.0.1:${server.port}`, '--transport', 'tcp',
    '--upload-bytes', String(uploadBytes), '--download-bytes', String(downloadBytes)])
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: environment() })
  live.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', d => { stdout += d })
  child.stderr.setEncoding('utf8').on('data', d => { stderr += d })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), CLIENT_TIMEOUT_MS)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      live.delete(child)
      const lines = stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))
      const final = lines.find(l => l.type === 'final')
      if (code !== 0 || final == null) {
        reject(new Error(`${impl} client → ${server.impl} server: exit ${code} ${signal ?? ''}\nstdout: ${stdout}\nstderr: ${stderr}\nserver: ${server.output().slice(-2000)}`))
        return
      }
      resolve({ final, intermediaries: lines.filter(l => l.type === 'intermediary'), stderr })
    })
  })
}

describe('perf command: ours × js-libp2p 3.3.11 (/perf/1.0.0 over tcp, noise, yamux)', function () {
  this.timeout(3 * CLIENT_TIMEOUT_MS)
  const servers = {}

  before(async function () {
    this.timeout(5 * 60_000) // may npm ci tools/node24 and interop/js-peer
    ensureJsPeer()
    servers.ours = await startServer('ours')
    servers.js = await startServer('js')
  })

  after(async function () {
    for (const s of Object.values(servers)) await s.stop()
  })

  it('both servers announce the contract\'s fixed PeerId', function () {
    assert.equal(servers.ours.peerId, FIXED_PEER_ID)
    assert.equal(servers.js.peerId, FIXED_PEER_ID)
  })

  for (const [client, server] of [['ours', 'js'], ['js', 'ours'], ['js', 'js']]) {
    it(`${client} client → ${server} server: 1 byte each way, five fresh processes`, async function () {
      for (let i = 0; i < 5; i++) {
        const { final } = await runClient(client, servers[server], 1, 1)
        assert.equal(final.uploadBytes, 1)
        assert.equal(final.downloadBytes, 1)
        assert.ok(final.timeSeconds > 0)
      }
    })

    it(`${client} client → ${server} server: nothing up, 1 byte down (the request is the header alone)`, async function () {
      const { final } = await runClient(client, servers[server], 0, 1)
      assert.deepEqual([final.uploadBytes, final.downloadBytes], [0, 1])
    })

    it(`${client} client → ${server} server: 32 MiB up, then 32 MiB down`, async function () {
      const up = await runClient(client, servers[server], 32 * MiB, 0)
      assert.deepEqual([up.final.uploadBytes, up.final.downloadBytes], [32 * MiB, 0])
      const down = await runClient(client, servers[server], 0, 32 * MiB)
      assert.deepEqual([down.final.uploadBytes, down.final.downloadBytes], [0, 32 * MiB])
      for (const r of [up, down]) {
        // the reports in between are deltas: they never add up to more than the total
        const sum = r.intermediaries.reduce((a, l) => a + l.uploadBytes + l.downloadBytes, 0)
        assert.ok(sum <= 32 * MiB, `intermediary reports add up to ${sum}`)
      }
      console.log(`      ${(32 * MiB / up.final.timeSeconds / 1e6).toFixed(0)} MB/s up, ${(32 * MiB / down.final.timeSeconds / 1e6).toFixed(0)} MB/s down`)
    })
  }
})
