// `npm run bench -- --only perf-interop`: the test-plans perf contract (shared/INTEROP.md §3)
// across implementations. Only the contract's command-line programs are run, never in-process
// code:
//   ours: node packages/cli/dist/src/bin.js perf   (`libp2p perf`: TCP + Noise + Yamux)
//   go:   interop/go-peer (go-libp2p v0.48), built by interop/go-peer/build.sh
//   rust: interop/rust-peer's rust-perf (rust-libp2p 0.56, /perf/1.0.0 over libp2p-stream), built by
//         BIN=rust-perf interop/rust-peer/build.sh; skipped with a line when cargo is missing
//   js:   interop/js-peer/perf.mjs on Node 24 (tools/node24): js-libp2p 3.3.11's TCP + Noise + Yamux
//         with a /perf/1.0.0 client and server of ours over its stream API, because js-libp2p's own
//         perf service (@libp2p/perf) is not installable here (the npm registry answers 404)
// All servers (fixed Ed25519 identity from an all-zero seed, so clients dial ip:port without a
// PeerId) run at the same time on free 127.0.0.1 ports; every client run is a fresh process whose
// final JSON line is parsed. Rounds rotate the order of the server × client pairs so drifts of the
// machine's load hit every pair alike. Every wait has a deadline; every process this module
// started is killed by its pid (the servers never exit on their own). See bench/README.md.
import { execFile, spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { accessSync, constants as fsConstants, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
const REPO_DIR = join(BENCH_DIR, '..')
/** the cli's bin; `perf` is its test-plans command */
const OURS_BIN = join(REPO_DIR, 'packages', 'cli', 'dist', 'src', 'bin.js')
const GO_BUILD = join(REPO_DIR, 'interop', 'go-peer', 'build.sh')
const RUST_BUILD = join(REPO_DIR, 'interop', 'rust-peer', 'build.sh')
const RUST_BUILD_TIMEOUT_MS = 20 * 60_000 // a cold build (all crates) took 5 min wall
export const PERF_INTEROP_OUT = join(BENCH_DIR, 'results', 'perf-interop.json')

const MiB = 1024 * 1024
/** Ed25519 from an all-zero seed: the PeerId test-plans' perf servers (go's, rust's and ours) have */
const FIXED_PEER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'
const JS_PEER_DIR = join(REPO_DIR, 'interop', 'js-peer')
const JS_PERF = join(JS_PEER_DIR, 'perf.mjs')
const NODE24_DIR = join(REPO_DIR, 'tools', 'node24')
const NODE24 = join(NODE24_DIR, 'node_modules', '.bin', 'node')
const JS_NOTE = 'js-libp2p 3.3.11: its transport, Noise and Yamux run a /perf/1.0.0 client and server of ours (interop/js-peer/perf.mjs), because js-libp2p\'s own perf service (@libp2p/perf) is not installable here: the npm registry answers 404 for it'
const NPM_CI_TIMEOUT_MS = 10 * 60_000
const GO_BUILD_TIMEOUT_MS = 20 * 60_000 // a cold build took 5 min wall on this loaded machine
const SERVER_READY_MS = 30_000
const STOP_GRACE_MS = 5_000
/** after this many failures of one (pair, metric), its remaining runs are skipped */
const MAX_FAILURES = 2

export const PERF_INTEROP_CONFIG = {
  full: { throughputBytes: 256 * MiB, rounds: 3, warmupBytes: 16 * MiB, latencyIterations: 20, throughputTimeoutMs: 180_000, latencyTimeoutMs: 30_000 },
  quick: { throughputBytes: 32 * MiB, rounds: 1, warmupBytes: 4 * MiB, latencyIterations: 5, throughputTimeoutMs: 60_000, latencyTimeoutMs: 20_000 }
}

const log = (...args) => console.error('[perf-interop]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)

// ------------------------------------------------------------------ processes, killed by pid

const live = new Map() // pid -> ChildProcess
function killAllSync () {
  for (const pid of live.keys()) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
  live.clear()
}
process.on('exit', killAllSync)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllSync()
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
  })
}

class PerfInteropError extends Error {
  static name = 'PerfInteropError'
  name = 'PerfInteropError'
  constructor (message, details = {}) {
    super(message)
    Object.assign(this, details)
  }
}

const TAIL_BYTES = 4000

/** spawn `cmd args`; stdout lines are kept, stderr is kept as a tail; killed by pid after hardTimeoutMs */
function startProcess ({ role, cmd, args, hardTimeoutMs }) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_DIR })
  const proc = { role, pid: child.pid, stdoutLines: [], stderr: '', exit: null, timedOut: false }
  if (child.pid != null) live.set(child.pid, child)
  const lineWaiters = new Set()
  const onLine = (line) => {
    for (const w of lineWaiters) w(line)
  }
  let outBuf = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (d) => {
    outBuf += d
    let i
    while ((i = outBuf.indexOf('\n')) >= 0) {
      const line = outBuf.slice(0, i)
      outBuf = outBuf.slice(i + 1)
      proc.stdoutLines.push(line)
      onLine(line)
    }
  })
  let errBuf = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (d) => {
    proc.stderr = (proc.stderr + d).slice(-TAIL_BYTES)
    errBuf += d
    let i
    while ((i = errBuf.indexOf('\n')) >= 0) {
      onLine(errBuf.slice(0, i))
      errBuf = errBuf.slice(i + 1)
    }
  })
  const killTimer = setTimeout(() => {
    proc.timedOut = true
    proc.stderr += `\n[perf-interop] ${role} pid ${child.pid} killed after its hard timeout of ${hardTimeoutMs} ms\n`
    try { process.kill(child.pid, 'SIGKILL') } catch {}
  }, hardTimeoutMs)
  proc.exited = new Promise((resolve) => {
    const done = (code, signal) => {
      clearTimeout(killTimer)
      live.delete(child.pid)
      if (outBuf !== '') { proc.stdoutLines.push(outBuf); outBuf = '' }
      proc.exit ??= { code, signal }
      resolve(proc.exit)
    }
    child.on('exit', done)
    child.on('error', (err) => {
      proc.stderr += `\n[perf-interop] spawn ${cmd}: ${err.message}\n`
      done(null, null)
    })
  })
  /** resolves with the first line (stdout or stderr) for which predicate is true */
  proc.waitForLine = (predicate, ms) => new Promise((resolve, reject) => {
    const finish = (err, line) => {
      clearTimeout(timer)
      lineWaiters.delete(waiter)
      if (err != null) reject(err)
      else resolve(line)
    }
    const waiter = (line) => { if (predicate(line)) finish(null, line) }
    const timer = setTimeout(() => finish(new PerfInteropError(`${role}: no ready line within ${ms} ms`, { stderr: proc.stderr })), ms)
    lineWaiters.add(waiter)
    proc.exited.then((e) => finish(new PerfInteropError(`${role} exited (code ${e.code}, signal ${e.signal}) before it was ready`, { stderr: proc.stderr })))
  })
  /** SIGTERM by pid, SIGKILL by pid after graceMs */
  proc.stop = async (graceMs = STOP_GRACE_MS) => {
    if (proc.exit != null) return proc.exit
    try { process.kill(child.pid, 'SIGTERM') } catch {}
    const t = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL') } catch {} }, graceMs)
    const e = await proc.exited
    clearTimeout(t)
    return e
  }
  return proc
}

// ------------------------------------------------------------------ ports, go build

async function freeTcpPort () {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => { resolve(port) })
    })
  })
}

async function udpPortFree (port) {
  return new Promise((resolve) => {
    const s = createSocket('udp4')
    s.once('error', () => { s.close(); resolve(false) })
    s.bind(port, '127.0.0.1', () => { s.close(() => { resolve(true) }) })
  })
}

/** a 127.0.0.1 port free on TCP and UDP (go's server listens on tcp and quic-v1 at that port) */
async function freePort (taken) {
  for (let i = 0; i < 50; i++) {
    const port = await freeTcpPort()
    if (!taken.has(port) && await udpPortFree(port)) {
      taken.add(port)
      return port
    }
  }
  throw new PerfInteropError('no free 127.0.0.1 port (tcp + udp) found in 50 tries')
}

function execBounded (cmd, args, timeoutMs, options = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * MiB, ...options }, (err, stdout, stderr) => {
      resolve({ code: err == null ? 0 : (err.code ?? null), signal: err?.signal ?? null, killed: err?.killed === true, stdout, stderr })
    })
  })
}

/** { available: true, bin, goVersion, buildLine } or { available: false, reason, output } */
async function buildGoPeer () {
  log(`building the go peer: ${relative(REPO_DIR, GO_BUILD)} (bounded at ${GO_BUILD_TIMEOUT_MS / 60_000} min)`)
  const r = await execBounded('bash', [GO_BUILD], GO_BUILD_TIMEOUT_MS)
  const output = (r.stdout + r.stderr).slice(-TAIL_BYTES)
  const lines = r.stdout.split('\n').map(l => l.trim()).filter(Boolean)
  const notPresent = lines.find(l => l.startsWith('go toolchain not present'))
  if (notPresent != null) return { available: false, reason: notPresent, output }
  if (r.code !== 0) {
    return { available: false, reason: `build.sh failed (exit ${r.code}${r.signal != null ? `, signal ${r.signal}` : ''}${r.killed ? ', killed at the deadline' : ''})`, output }
  }
  const bin = lines.at(-1)
  try {
    accessSync(bin, fsConstants.X_OK)
  } catch {
    return { available: false, reason: `build.sh printed no executable binary (last line: ${bin})`, output }
  }
  // the toolchain build.sh would pick (informational: the binary may be an up-to-date earlier build)
  let goVersion = null
  for (const goCmd of [process.env.GO, 'go', '/usr/local/go/bin/go']) {
    if (goCmd == null || goCmd === '') continue
    const v = await execBounded(goCmd, ['env', 'GOVERSION'], 30_000, { env: { ...process.env, GOTOOLCHAIN: 'local' } })
    if (v.code === 0) { goVersion = v.stdout.trim(); break }
  }
  return { available: true, bin, goVersion, buildLine: lines.length > 1 ? lines.at(-2) : null }
}

/** { available: true, bin } or { available: false, reason, output }; installs Node 24 and the js peer's packages when missing */
async function prepareJsPeer () {
  for (const [dir, marker] of [[NODE24_DIR, NODE24], [JS_PEER_DIR, join(JS_PEER_DIR, 'node_modules', 'libp2p', 'package.json')]]) {
    if (existsSync(marker)) continue
    log(`installing ${relative(REPO_DIR, dir)}: npm ci (bounded at ${NPM_CI_TIMEOUT_MS / 60_000} min)`)
    const r = await execBounded('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], NPM_CI_TIMEOUT_MS)
    if (r.code !== 0 || !existsSync(marker)) {
      return { available: false, reason: `npm ci --prefix ${relative(REPO_DIR, dir)} failed (exit ${r.code})`, output: (r.stdout + r.stderr).slice(-TAIL_BYTES) }
    }
  }
  return { available: true, bin: JS_PERF }
}

/** { available: true, bin, rustcVersion } or { available: false, reason, output } */
async function buildRustPeer () {
  // release, as test-plans measures rust (a debug build's throughput is a floor, not rust's speed);
  // BENCH_RUST_PROFILE=debug reuses the interop tests' debug build instead of a release one
  const profile = process.env.BENCH_RUST_PROFILE ?? 'release'
  log(`building the rust perf peer: PROFILE=${profile} BIN=rust-perf ${relative(REPO_DIR, RUST_BUILD)} (bounded at ${RUST_BUILD_TIMEOUT_MS / 60_000} min)`)
  const r = await execBounded('bash', [RUST_BUILD], RUST_BUILD_TIMEOUT_MS, { env: { ...process.env, BIN: 'rust-perf', PROFILE: profile } })
  const output = (r.stdout + r.stderr).slice(-TAIL_BYTES)
  const lines = r.stdout.split('\n').map(l => l.trim()).filter(Boolean)
  const notPresent = lines.find(l => l.startsWith('rust toolchain not present'))
  if (notPresent != null) return { available: false, reason: `${notPresent} (no cargo on PATH or in ~/.cargo/bin)`, output }
  if (r.code !== 0) {
    return { available: false, reason: `build.sh failed (exit ${r.code}${r.signal != null ? `, signal ${r.signal}` : ''}${r.killed ? ', killed at the deadline' : ''})`, output }
  }
  const bin = lines.at(-1)
  try {
    accessSync(bin, fsConstants.X_OK)
  } catch {
    return { available: false, reason: `build.sh printed no executable binary (last line: ${bin})`, output }
  }
  let rustcVersion = null
  for (const rustc of ['rustc', join(process.env.CARGO_HOME ?? join(os.homedir(), '.cargo'), 'bin', 'rustc')]) {
    const v = await execBounded(rustc, ['--version'], 30_000)
    if (v.code === 0) { rustcVersion = v.stdout.trim(); break }
  }
  return { available: true, bin, rustcVersion }
}

// ------------------------------------------------------------------ servers and clients

function implCommand (impl, bin, args) {
  if (impl === 'ours') return { cmd: process.execPath, args: [bin, 'perf', ...args] }
  if (impl === 'js') return { cmd: NODE24, args: [bin, ...args] }
  return { cmd: bin, args }
}

async function startServer (impl, bin, port, hardTimeoutMs) {
  const { cmd, args } = implCommand(impl, bin, ['--run-server', '--server-address', `127.0.0.1:${port}`])
  const proc = startProcess({ role: `${impl} server`, cmd, args, hardTimeoutMs })
  // ours prints `listening on <ma>/p2p/<id>` on stderr, go, rust and js print `<ma>/p2p/<id>` on stdout
  const marker = `/ip4/127.0.0.1/tcp/${port}/p2p/`
  const line = await proc.waitForLine(l => l.includes(marker), SERVER_READY_MS)
  const peerId = line.slice(line.indexOf(marker) + marker.length).trim().split(/\s/)[0]
  if (peerId !== FIXED_PEER_ID) {
    await proc.stop()
    throw new PerfInteropError(`${impl} server has PeerId ${peerId}, not the contract's fixed ${FIXED_PEER_ID}`, { stderr: proc.stderr })
  }
  return { impl, port, peerId, proc }
}

const DURATION_UNITS_MS = { ns: 1e-6, 'µs': 1e-3, us: 1e-3, ms: 1, s: 1000 }
/**
 * The dial time the clients log on stderr (not part of the contract, informational only):
 * ours and js `connected in 0.024 s`, rust `connected in 0.024 s to <id>`, go `connected to {...} in 29.16212ms` (a Go duration; go's
 * host.Connect also waits for identify).
 */
function connectMsFromLog (stderr) {
  const ours = /connected in ([\d.]+) s\b/.exec(stderr)
  if (ours != null) return Number(ours[1]) * 1000
  const go = /connected to .* in ([\d.]+)(ns|µs|us|ms|s)\s*$/m.exec(stderr)
  if (go != null) return Number(go[1]) * DURATION_UNITS_MS[go[2]]
  return null
}

/** one client process: `perf --server-address 127.0.0.1:<port> --transport tcp ...`; its final JSON line */
async function runClient (impl, bin, server, uploadBytes, downloadBytes, timeoutMs) {
  if (server.proc.exit != null) {
    throw new PerfInteropError(`${server.impl} server exited earlier (code ${server.proc.exit.code}, signal ${server.proc.exit.signal})`, { stderr: server.proc.stderr })
  }
  const { cmd, args } = implCommand(impl, bin, ['--server-address', `127.0.0.1:${server.port}`, '--transport', 'tcp', '--upload-bytes', String(uploadBytes), '--download-bytes', String(downloadBytes)])
  const t0 = performance.now()
  const proc = startProcess({ role: `${impl} client`, cmd, args, hardTimeoutMs: timeoutMs })
  const exit = await proc.exited
  const wallMs = performance.now() - t0
  const parsed = []
  const junk = []
  for (const line of proc.stdoutLines) {
    if (line.trim() === '') continue
    try { parsed.push(JSON.parse(line)) } catch { junk.push(line) }
  }
  const final = parsed.filter(m => m?.type === 'final').at(-1)
  const fail = (message) => new PerfInteropError(message, {
    exit,
    stderr: proc.stderr,
    stdoutTail: proc.stdoutLines.slice(-5).join('\n'),
    serverStderr: server.proc.stderr.slice(-1500)
  })
  if (proc.timedOut) throw fail(`${impl} client timed out after ${timeoutMs} ms`)
  if (exit.code !== 0) throw fail(`${impl} client exited with code ${exit.code}${exit.signal != null ? ` (signal ${exit.signal})` : ''}`)
  if (final == null) throw fail(`${impl} client printed no final JSON line${junk.length > 0 ? ` (non-JSON stdout: ${junk.slice(0, 3).join(' | ')})` : ''}`)
  if (final.uploadBytes !== uploadBytes || final.downloadBytes !== downloadBytes) {
    throw fail(`${impl} client's final line reports ${final.uploadBytes} up / ${final.downloadBytes} down, asked for ${uploadBytes} / ${downloadBytes}`)
  }
  if (!(typeof final.timeSeconds === 'number' && final.timeSeconds > 0)) throw fail(`${impl} client's final timeSeconds is ${final.timeSeconds}`)
  return { timeSeconds: final.timeSeconds, connectMs: connectMsFromLog(proc.stderr), wallMs, intermediaries: parsed.filter(m => m?.type === 'intermediary').length }
}

// ------------------------------------------------------------------ statistics and table

function median (xs) {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
function quantile (xs, q) {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
}

const METRICS = [
  { key: 'upload', label: 'upload MB/s, median (best)' },
  { key: 'download', label: 'download MB/s, median (best)' },
  { key: 'latency', label: 'conn + 1 B round trip, ms, median (min)' },
  { key: 'connect', label: '  of which dial, ms (client log), median' }
]

function cellText (metric, m, attempts) {
  const failed = m.errors.length
  if (m.values.length === 0) return failed > 0 ? `FAILED (${failed} of ${attempts}${failed < attempts ? ', rest skipped' : ''})` : '-'
  const best = metric === 'latency' ? Math.min(...m.values) : Math.max(...m.values)
  const d = metric === 'latency' ? 2 : 0
  const text = `${m.median.toFixed(d)} (${best.toFixed(d)})`
  return failed > 0 ? `${text}, ${failed}/${attempts} failed` : text
}

function renderMarkdown (header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)))
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |'
  return [line(header), '|' + widths.map(w => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n')
}

// ------------------------------------------------------------------ main

/**
 * Runs the whole scenario, prints the table on stdout and writes the JSON.
 * Resolves with the number of failed client runs (0 when everything that could run passed).
 */
export async function runPerfInterop ({ quick = false, rounds, out = PERF_INTEROP_OUT, command } = {}) {
  const cfg = { ...(quick ? PERF_INTEROP_CONFIG.quick : PERF_INTEROP_CONFIG.full) }
  if (rounds != null) cfg.rounds = rounds
  const startedAt = new Date()
  const meta = {
    command,
    date: startedAt.toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgStart: loadavg()
  }
  const gitOut = await execBounded('git', ['-C', REPO_DIR, 'rev-parse', '--short', 'HEAD'], 10_000)
  const gitDirty = await execBounded('git', ['-C', REPO_DIR, 'status', '--porcelain', '--', 'packages'], 10_000)
  meta.git = { head: gitOut.stdout.trim() || null, dirtyFilesUnderPackages: gitDirty.stdout.split('\n').filter(Boolean).length }

  const impls = {
    ours: existsSync(OURS_BIN)
      ? { available: true, bin: OURS_BIN, label: 'ours' }
      : { available: false, label: 'ours', reason: `${relative(REPO_DIR, OURS_BIN)} missing: npx lerna run build --scope @libp2p/cli --include-dependencies` },
    go: { label: 'go-libp2p v0.48', ...(await buildGoPeer()) },
    rust: { label: `rust-libp2p 0.56 (${process.env.BENCH_RUST_PROFILE ?? 'release'})`, ...(await buildRustPeer()) },
    js: { label: 'js-libp2p 3.3.11 (perf handler ours)', ...(await prepareJsPeer()) }
  }
  if (!impls.go.available) {
    log(`go: SKIPPED (${impls.go.reason})`)
    if (impls.go.output != null && !impls.go.reason.startsWith('go toolchain not present')) log(`go build output:\n${impls.go.output}`)
  } else {
    log(`go peer: ${impls.go.bin} (${impls.go.goVersion ?? 'go version unknown'})`)
  }
  if (!impls.rust.available) {
    log(`rust: SKIPPED (${impls.rust.reason})`)
    if (impls.rust.output != null && !impls.rust.reason.startsWith('rust toolchain not present')) log(`rust build output:\n${impls.rust.output}`)
  } else {
    log(`rust peer: ${impls.rust.bin} (${impls.rust.rustcVersion ?? 'rustc version unknown'})`)
  }
  if (!impls.ours.available) log(`ours: SKIPPED (${impls.ours.reason})`)
  if (!impls.js.available) log(`js: SKIPPED (${impls.js.reason})\n${impls.js.output ?? ''}`)
  log(JS_NOTE)
  log(`node ${meta.node}, ${meta.cpus} cpus, load average ${meta.loadavgStart.join(' ')}, git ${meta.git.head}; ` +
    `${(cfg.throughputBytes / MiB)} MiB up / down x ${cfg.rounds} round(s), ${cfg.latencyIterations} x conn + 1 B`)

  const runnable = ['ours', 'go', 'rust', 'js'].filter(i => impls[i].available)
  const servers = {}
  const pairs = {}
  const failures = []
  const serverHardTimeoutMs = 2 * 60 * 60_000 // stopped in `finally` long before this
  const taken = new Set()
  try {
    for (const impl of runnable) {
      const port = await freePort(taken)
      try {
        servers[impl] = await startServer(impl, impls[impl].bin, port, serverHardTimeoutMs)
        log(`${impl} server ${servers[impl].peerId} on 127.0.0.1:${port} (pid ${servers[impl].proc.pid})`)
      } catch (err) {
        impls[impl].serverError = { message: err.message, stderr: err.stderr }
        log(`${impl} server FAILED to start: ${err.message}\n${err.stderr ?? ''}`)
      }
    }
    const pairList = []
    for (const s of runnable) {
      for (const c of runnable) {
        const key = `${s}>${c}`
        pairs[key] = { server: s, client: c, upload: { samples: [], errors: [] }, download: { samples: [], errors: [] }, latency: { samples: [], errors: [] }, warmup: null }
        if (servers[s] == null) pairs[key].serverError = `the ${s} server did not start`
        else pairList.push(key)
      }
    }
    const attempt = async (key, metric, up, down, timeoutMs) => {
      const p = pairs[key]
      const m = p[metric]
      if (m.errors.length >= MAX_FAILURES) return null
      try {
        const r = await runClient(p.client, impls[p.client].bin, servers[p.server], up, down, timeoutMs)
        m.samples.push(r)
        return r
      } catch (err) {
        const e = { name: err.name, message: err.message, exit: err.exit, stderr: err.stderr, stdoutTail: err.stdoutTail, serverStderr: err.serverStderr }
        m.errors.push(e)
        failures.push({ pair: key, metric, ...e })
        log(`server ${p.server} x client ${p.client} ${metric} FAILED: ${err.message}${err.stderr ? `\n  client stderr: ${err.stderr.trim().split('\n').slice(-6).join('\n  ')}` : ''}`)
        return null
      }
    }
    const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length])

    // warm-up: one exchange per pair, not counted (the servers' JITs / buffers)
    for (const key of pairList) {
      const p = pairs[key]
      try {
        const r = await runClient(p.client, impls[p.client].bin, servers[p.server], cfg.warmupBytes, cfg.warmupBytes, cfg.throughputTimeoutMs)
        p.warmup = { timeSeconds: r.timeSeconds }
      } catch (err) {
        p.warmup = { error: err.message }
        log(`server ${p.server} x client ${p.client} warm-up FAILED: ${err.message}${err.stderr ? `\n  client stderr: ${err.stderr.trim().split('\n').slice(-6).join('\n  ')}` : ''}`)
      }
    }
    // throughput: upload (download 0), then download (upload 0)
    for (let r = 0; r < cfg.rounds; r++) {
      for (const key of rotate(pairList, r)) {
        const up = await attempt(key, 'upload', cfg.throughputBytes, 0, cfg.throughputTimeoutMs)
        const down = await attempt(key, 'download', 0, cfg.throughputBytes, cfg.throughputTimeoutMs)
        const f = (x) => x == null ? 'FAILED' : `${(cfg.throughputBytes / x.timeSeconds / 1e6).toFixed(0)} MB/s`
        log(`round ${r + 1}/${cfg.rounds} server ${pairs[key].server.padEnd(5)} x client ${pairs[key].client.padEnd(5)} up ${f(up)}, down ${f(down)}`)
      }
    }
    // connection establishment + 1 byte each way, a new client process (and connection) each time
    for (let i = 0; i < cfg.latencyIterations; i++) {
      for (const key of rotate(pairList, i)) await attempt(key, 'latency', 1, 1, cfg.latencyTimeoutMs)
    }
    for (const key of pairList) {
      const xs = pairs[key].latency.samples.map(s => s.timeSeconds * 1000)
      log(`server ${pairs[key].server.padEnd(5)} x client ${pairs[key].client.padEnd(5)} conn + 1 B: median ${median(xs)?.toFixed(2) ?? '-'} ms over ${xs.length}`)
    }
  } finally {
    for (const s of Object.values(servers)) {
      const e = await s.proc.stop()
      s.exit = e
    }
  }

  // summary: MB/s = bytes / final timeSeconds (which includes the connection setup) / 10^6
  for (const p of Object.values(pairs)) {
    for (const metric of ['upload', 'download', 'latency']) {
      const m = p[metric]
      m.values = m.samples.map(s => metric === 'latency' ? s.timeSeconds * 1000 : cfg.throughputBytes / s.timeSeconds / 1e6)
      m.median = median(m.values)
      if (metric === 'latency') {
        m.p90 = quantile(m.values, 0.9)
        m.clientWallMsMedian = median(m.samples.map(s => s.wallMs))
        m.connectMsMedian = median(m.samples.map(s => s.connectMs).filter(x => x != null))
      }
    }
  }
  const order = ['ours', 'go', 'rust', 'js']
  const header = ['server \\ client', 'metric', ...order.map(c => impls[c].label)]
  const rows = []
  for (const s of order) {
    for (const { key: metric, label } of METRICS) {
      const cells = order.map(c => {
        // the reasons are printed above the table
        if (!impls[s].available) return `skipped (${s})`
        if (!impls[c].available) return `skipped (${c})`
        const p = pairs[`${s}>${c}`]
        if (p.serverError != null) return `FAILED: ${p.serverError}`
        if (metric === 'connect') return p.latency.connectMsMedian == null ? '-' : p.latency.connectMsMedian.toFixed(2)
        const attempts = metric === 'latency' ? cfg.latencyIterations : cfg.rounds
        return cellText(metric, p[metric], attempts)
      })
      rows.push([impls[s].label, label, ...cells])
    }
  }
  const table = renderMarkdown(header, rows)
  meta.loadavgEnd = loadavg()
  meta.durationS = Math.round((Date.now() - startedAt.getTime()) / 1000)

  const result = {
    meta,
    config: { ...cfg, transport: 'tcp', host: '127.0.0.1', metricsNote: 'MB/s = bytes / final timeSeconds / 10^6; timeSeconds is measured by the client from before the dial, so it includes the connection setup (test-plans contract); latency = final timeSeconds of --upload-bytes 1 --download-bytes 1' },
    implementations: impls,
    servers: Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, { port: s.port, peerId: s.peerId, pid: s.proc.pid, exit: s.exit, stderrTail: s.proc.stderr.slice(-1500) }])),
    pairs,
    table,
    failures
  }
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n')

  console.log('\nPerf across implementations: test-plans perf contract, TCP, 127.0.0.1 (rows: server, columns: client)')
  console.log(`node ${meta.node}, ${meta.cpus} cpus (${meta.cpuModel}), load average start ${meta.loadavgStart.join(' ')}, end ${meta.loadavgEnd.join(' ')}, ${meta.durationS} s`)
  console.log(`${cfg.throughputBytes / MiB} MiB per transfer, ${cfg.rounds} round(s) after a ${cfg.warmupBytes / MiB} MiB warm-up; ${cfg.latencyIterations} x new connection + 1 byte each way; MB = 10^6 bytes; times include connection setup\n`)
  if (!impls.go.available) console.log(`go: SKIPPED (${impls.go.reason})\n`)
  if (!impls.rust.available) console.log(`rust: SKIPPED (${impls.rust.reason})\n`)
  if (!impls.ours.available) console.log(`ours: SKIPPED (${impls.ours.reason})\n`)
  if (!impls.js.available) console.log(`js: SKIPPED (${impls.js.reason})\n`)
  console.log(table)
  console.log(`\n${JS_NOTE}.`)
  if (failures.length > 0) {
    console.log(`\n${failures.length} failed client run(s):`)
    for (const f of failures) {
      console.log(`\n- server ${f.pair.split('>')[0]} x client ${f.pair.split('>')[1]}, ${f.metric}: ${f.message}`)
      if (f.stderr) console.log('    client stderr:\n' + f.stderr.trim().split('\n').slice(-15).map(l => '      ' + l).join('\n'))
      if (f.serverStderr) console.log('    server stderr (tail):\n' + f.serverStderr.trim().split('\n').slice(-8).map(l => '      ' + l).join('\n'))
    }
  }
  console.log(`\nJSON: ${relative(process.cwd(), out)}`)
  return failures.length
}
