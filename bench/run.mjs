// npm run bench — our stack vs js-libp2p 3.x, same Node, same run, alternating rounds, each
// scenario in fresh server + client child processes. See README.md.
//
//   node bench/run.mjs [--quick] [--only throughput,connect,streams,memory,wire,perf-interop] [--rounds N]
//                      [--stacks js,ours] [--identify] [--delay-ms 50] [--cpu-prof <dir>]
//                      [--out bench/results/latest.json]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { spawnChild } from './lib/children.mjs'
import { calibrateProxy, startDelayProxy } from './lib/delay-proxy.mjs'
import { buildRows, median, renderLimitTable, renderTable, summarize } from './lib/report.mjs'
import { ensureJsPeer } from '../interop/test/harness.mjs'
import { PERF_INTEROP_OUT, runPerfInterop } from './lib/perf-interop.mjs'
import { DHT_OUT, runDht } from './lib/dht.mjs'
import { NODE_OUT, runNodeLoad } from './lib/node-load.mjs'
import { NODE_SOAK_OUT, runNodeSoak } from './lib/node-soak.mjs'
import { RENDEZVOUS_OUT, runRendezvous } from './lib/rendezvous.mjs'
import { BENCH_DIR, JS_EXPECTED_VERSIONS, JS_MODULES_DIR, REPO_DIR, nodeFlagsFor, stackVersions } from './lib/stacks.mjs'

const MiB = 1024 * 1024
const SERVER = join(BENCH_DIR, 'lib', 'server.mjs')
const CLIENT = join(BENCH_DIR, 'lib', 'client.mjs')
const LIMIT_CHILD = join(BENCH_DIR, 'lib', 'limit-child.mjs')
const SCENARIOS = ['throughput', 'limit', 'styles', 'connect', 'streams', 'memory', 'wire']
/** scenarios that measure no stack: run once per round, not once per stack */
const STACKLESS = ['limit']
/** the table's scenario labels each scenario fills (the CPU rows come from the throughput runs) */
const ROW_GROUPS = { throughput: ['1 throughput', '2 cpu'], limit: [], styles: ['7 styles'], connect: ['3 connect'], streams: ['4 streams'], memory: ['5 memory'], wire: ['6 wire'] }

const FULL = {
  throughput: { rounds: 3, uploadBytes: 256 * MiB, downloadBytes: 256 * MiB, warmupBytes: 16 * MiB, timeoutMs: 180_000 },
  limit: { rounds: 3, uploadBytes: 256 * MiB, downloadBytes: 256 * MiB, warmupBytes: 16 * MiB, timeoutMs: 120_000 },
  styles: { rounds: 3, bytes: 64 * MiB, warmupBytes: 8 * MiB, timeoutMs: 300_000 },
  connect: { rounds: 3, iterations: 200, warmup: 10, maxMs: 120_000, timeoutMs: 180_000 },
  streams: { rounds: 3, sequential: 2000, parallel: 4000, concurrency: 32, warmup: 100, maxMs: 30_000, timeoutMs: 120_000 },
  memory: { rounds: 2, connections: 1000, settleMs: 2000, timeoutMs: 300_000 },
  wire: { rounds: 2, delayMs: 50, iterations: 6, warmup: 1, timeoutMs: 180_000 }
}
const QUICK = {
  throughput: { rounds: 1, uploadBytes: 32 * MiB, downloadBytes: 32 * MiB, warmupBytes: 4 * MiB, timeoutMs: 60_000 },
  limit: { rounds: 1, uploadBytes: 32 * MiB, downloadBytes: 32 * MiB, warmupBytes: 4 * MiB, timeoutMs: 60_000 },
  styles: { rounds: 1, bytes: 8 * MiB, warmupBytes: 1 * MiB, timeoutMs: 60_000 },
  connect: { rounds: 1, iterations: 30, warmup: 3, maxMs: 30_000, timeoutMs: 60_000 },
  streams: { rounds: 1, sequential: 300, parallel: 600, concurrency: 32, warmup: 20, maxMs: 15_000, timeoutMs: 60_000 },
  memory: { rounds: 1, connections: 100, settleMs: 500, timeoutMs: 60_000 },
  wire: { rounds: 1, delayMs: 50, iterations: 2, warmup: 1, timeoutMs: 60_000 }
}

const { values: cli } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    stacks: { type: 'string', default: 'js,ours' },
    identify: { type: 'boolean', default: false },
    'delay-ms': { type: 'string' },
    sizes: { type: 'string' },
    duration: { type: 'string' },
    'poll-ms': { type: 'string' },
    'cpu-prof': { type: 'string' },
    out: { type: 'string', default: join(BENCH_DIR, 'results', 'latest.json') }
  }
})
const config = structuredClone(cli.quick ? QUICK : FULL)
if (cli.rounds != null) for (const c of Object.values(config)) c.rounds = Number(cli.rounds)
if (cli['delay-ms'] != null) config.wire.delayMs = Number(cli['delay-ms'])
const requested = cli.only != null ? cli.only.split(',').map(s => s.trim()) : SCENARIOS
// `perf-interop` (lib/perf-interop.mjs) is opt-in: it runs the test-plans perf binaries (ours, go)
// rather than the stacks adapter, and writes its own JSON (bench/results/perf-interop.json, or
// --out when it is the only scenario)
const OPT_IN = ['perf-interop', 'dht', 'node', 'node-soak', 'rendezvous']
for (const s of requested) if (!SCENARIOS.includes(s) && !OPT_IN.includes(s)) throw new TypeError(`unknown scenario ${s}; one of ${[...SCENARIOS, ...OPT_IN].join(', ')}`)
if (requested.includes('perf-interop')) {
  const alone = requested.length === 1
  const outGiven = process.argv.some(a => a === '--out' || a.startsWith('--out='))
  await runPerfInterop({
    quick: cli.quick,
    rounds: cli.rounds != null ? Number(cli.rounds) : undefined,
    out: alone && outGiven ? cli.out : PERF_INTEROP_OUT,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim()
  })
  if (alone) process.exit(0)
}
// `dht` (lib/dht.mjs) is opt-in too: networks of up to 1,000 in-process nodes per stack, ~25 min;
// its JSON is bench/results/dht.json (or --out when it is the only scenario)
if (requested.includes('dht')) {
  const alone = requested.filter(s => s !== 'perf-interop').length === 1
  const outGiven = process.argv.some(a => a === '--out' || a.startsWith('--out='))
  await runDht({
    quick: cli.quick,
    stacks: cli.stacks.split(',').map(s => s.trim()),
    sizes: cli.sizes,
    out: alone && outGiven ? cli.out : DHT_OUT,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    git: git('rev-parse', '--short', 'HEAD')
  })
  if (alone) process.exit(0)
}
// `node` and `node-soak` (lib/node-load.mjs, lib/node-soak.mjs): the public node holding 1,000
// reservations and 200 circuits (ours and js, ~15 min), and under churn for --duration minutes
// (default 30); their JSON is bench/results/node.json and node-soak.json (or --out when alone)
for (const [name, run, defaultOut] of [['node', runNodeLoad, NODE_OUT], ['node-soak', runNodeSoak, NODE_SOAK_OUT]]) {
  if (!requested.includes(name)) continue
  const outGiven = process.argv.some(a => a === '--out' || a.startsWith('--out='))
  await run({
    quick: cli.quick,
    rounds: cli.rounds != null ? Number(cli.rounds) : undefined,
    stacks: cli.stacks.split(',').map(s => s.trim()),
    durationMin: cli.duration != null ? Number(cli.duration) : undefined,
    out: requested.length === 1 && outGiven ? cli.out : defaultOut,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    git: git('rev-parse', '--short', 'HEAD')
  })
}
// `rendezvous` (lib/rendezvous.mjs, issue 13): two Chromium pages meet and go direct over WebRTC,
// ours vs js-libp2p pages vs PeerJS; JSON in bench/results/rendezvous.json (or --out when alone)
if (requested.includes('rendezvous')) {
  const outGiven = process.argv.some(a => a === '--out' || a.startsWith('--out='))
  await runRendezvous({
    quick: cli.quick,
    rounds: cli.rounds != null ? Number(cli.rounds) : undefined,
    pollMs: cli['poll-ms'] != null ? Number(cli['poll-ms']) : undefined,
    // its stacks are ours, js and peerjs; --stacks picks some only when given
    stacks: process.argv.some(a => a.startsWith('--stacks')) ? cli.stacks.split(',').map(s => s.trim()) : undefined,
    out: requested.length === 1 && outGiven ? cli.out : RENDEZVOUS_OUT,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim()
  })
}
if (requested.every(s => OPT_IN.includes(s))) process.exit(0)
const only = requested.filter(s => !OPT_IN.includes(s))
const stacks = cli.stacks.split(',').map(s => s.trim())
for (const s of stacks) if (s !== 'js' && s !== 'ours') throw new TypeError(`unknown stack ${s}`)

const log = (...args) => console.error('[bench]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)

function describeError (err) {
  return {
    name: err?.name,
    message: err?.message,
    remote: err?.remote,
    stack: err?.remote?.stack ?? err?.stack,
    stderrTail: err?.stderr != null ? err.stderr.slice(-3000) : undefined
  }
}

// ------------------------------------------------------------------ child plumbing

function childFlags (stack, gc) {
  const prof = cli['cpu-prof'] != null ? ['--cpu-prof', `--cpu-prof-dir=${cli['cpu-prof']}`] : []
  return [...nodeFlagsFor(stack), ...(gc ? ['--expose-gc'] : []), ...prof]
}

async function withServer (stack, cfg, { gc = false } = {}, fn) {
  const server = spawnChild({
    role: `${stack} server`,
    script: SERVER,
    args: ['--stack', stack, '--params', JSON.stringify({ hardTimeoutMs: cfg.timeoutMs + 30_000, withIdentify: cli.identify })],
    nodeFlags: childFlags(stack, gc),
    hardTimeoutMs: cfg.timeoutMs + 60_000
  })
  try {
    const ready = await server.waitFor(m => m.type === 'ready', 30_000)
    return await fn(server, ready)
  } catch (err) {
    const handlerErrors = server.messages.filter(m => m.type === 'handler-error' || m.type === 'error')
    if (handlerErrors.length > 0) err.serverMessages = handlerErrors.slice(0, 5)
    if (err.stderr == null || err.stderr === '') err.stderr = server.stderr
    else if (server.stderr !== '') err.stderr += `\n--- server stderr ---\n${server.stderr}`
    throw err
  } finally {
    await server.stop(5000)
  }
}

function startClient (stack, scenario, addr, cfg, params, { gc = false } = {}) {
  return spawnChild({
    role: `${stack} client`,
    script: CLIENT,
    args: ['--stack', stack, '--scenario', scenario, '--addr', addr, '--params', JSON.stringify({ ...params, hardTimeoutMs: cfg.timeoutMs, withIdentify: cli.identify })],
    nodeFlags: childFlags(stack, gc),
    hardTimeoutMs: cfg.timeoutMs + 10_000
  })
}

async function clientResult (client, cfg) {
  try {
    const result = await client.waitFor(m => m.type === 'result', cfg.timeoutMs)
    await client.stop(5000)
    return result
  } catch (err) {
    await client.stop(1000)
    throw err
  }
}

// ------------------------------------------------------------------ scenarios

const RUNNERS = {
  async throughput (stack, cfg) {
    return withServer(stack, cfg, {}, async (server, ready) => {
      const client = startClient(stack, 'throughput', ready.addr, cfg, {
        uploadBytes: cfg.uploadBytes, downloadBytes: cfg.downloadBytes, warmupBytes: cfg.warmupBytes
      })
      const res = await clientResult(client, cfg)
      const perf = []
      for (let i = 0; i < res.warmupExchanges + 2; i++) perf.push(await server.waitFor(m => m.type === 'perf-done', 10_000))
      const up = perf[res.warmupExchanges]
      const down = perf[res.warmupExchanges + 1]
      if (up.received !== cfg.uploadBytes) throw new Error(`server received ${up.received} of ${cfg.uploadBytes} upload bytes`)
      if (down.sent !== cfg.downloadBytes) throw new Error(`server sent ${down.sent} of ${cfg.downloadBytes} download bytes`)
      return {
        upload: { ...res.upload, serverCpuUs: up.cpuUs, serverMs: up.ms },
        download: { ...res.download, serverCpuUs: down.cpuUs, serverMs: down.ms },
        payloadIntact: res.payloadIntact
      }
    })
  },

  async limit (_stack, cfg) {
    const hardTimeoutMs = cfg.timeoutMs + 30_000
    const server = spawnChild({ role: 'limit server', script: LIMIT_CHILD, args: ['--role', 'server', '--params', JSON.stringify({ hardTimeoutMs })], hardTimeoutMs })
    try {
      const ready = await server.waitFor(m => m.type === 'ready', 30_000)
      const client = spawnChild({
        role: 'limit client',
        script: LIMIT_CHILD,
        args: ['--role', 'client', '--params', JSON.stringify({ hardTimeoutMs, port: ready.port, uploadBytes: cfg.uploadBytes, downloadBytes: cfg.downloadBytes, warmupBytes: cfg.warmupBytes })],
        hardTimeoutMs
      })
      const res = await clientResult(client, cfg)
      const done = []
      for (let i = 0; i < res.warmupExchanges + 2; i++) done.push(await server.waitFor(m => m.type === 'limit-done', 10_000))
      return {
        upload: { ...res.upload, serverCpuUs: done[res.warmupExchanges].cpuUs },
        download: { ...res.download, serverCpuUs: done[res.warmupExchanges + 1].cpuUs }
      }
    } finally {
      await server.stop(5000)
    }
  },

  async styles (stack, cfg) {
    return withServer(stack, cfg, {}, async (server, ready) => {
      const client = startClient(stack, 'styles', ready.addr, cfg, { bytes: cfg.bytes, warmupBytes: cfg.warmupBytes })
      const res = await clientResult(client, cfg)
      return { read: res.read, write: res.write, payloadIntact: res.payloadIntact }
    })
  },

  async connect (stack, cfg) {
    return withServer(stack, cfg, {}, async (server, ready) => {
      const client = startClient(stack, 'connect', ready.addr, cfg, { iterations: cfg.iterations, warmup: cfg.warmup, maxMs: cfg.maxMs })
      const res = await clientResult(client, cfg)
      return { samples: res.samples, extraConnections: res.extraConnections }
    })
  },

  async streams (stack, cfg) {
    return withServer(stack, cfg, {}, async (server, ready) => {
      const client = startClient(stack, 'streams', ready.addr, cfg, {
        sequential: cfg.sequential, parallel: cfg.parallel, concurrency: cfg.concurrency, warmup: cfg.warmup, maxMs: cfg.maxMs
      })
      const res = await clientResult(client, cfg)
      return { sequential: res.sequential, parallel: res.parallel, streamsLeftOpen: res.streamsLeftOpen }
    })
  },

  async memory (stack, cfg) {
    return withServer(stack, cfg, { gc: true }, async (server, ready) => {
      server.send({ cmd: 'mem', tag: 'baseline' })
      const serverBaseline = await server.waitFor(m => m.type === 'mem' && m.tag === 'baseline', 30_000)
      const client = startClient(stack, 'memory', ready.addr, cfg, { connections: cfg.connections, settleMs: cfg.settleMs }, { gc: true })
      try {
        const clientBaseline = await client.waitFor(m => m.type === 'mem' && m.phase === 'baseline', 60_000)
        const clientLoaded = await client.waitFor(m => m.type === 'mem' && m.phase === 'loaded', cfg.timeoutMs)
        const res = await client.waitFor(m => m.type === 'result', 10_000)
        server.send({ cmd: 'mem', tag: 'loaded' })
        const serverLoaded = await server.waitFor(m => m.type === 'mem' && m.tag === 'loaded', 60_000)
        if (clientLoaded.connections !== cfg.connections || serverLoaded.connections !== cfg.connections) {
          throw new Error(`expected ${cfg.connections} open connections, client has ${clientLoaded.connections}, server has ${serverLoaded.connections}`)
        }
        return {
          connections: cfg.connections,
          dialMs: res.dialMs,
          retried: res.retried,
          client: { baseline: clientBaseline, loaded: clientLoaded },
          server: { baseline: serverBaseline, loaded: serverLoaded }
        }
      } finally {
        await client.stop(10_000)
      }
    })
  },

  async wire (stack, cfg) {
    return withServer(stack, cfg, {}, async (server, ready) => {
      const port = Number(/\/tcp\/(\d+)/.exec(ready.addr)[1])
      const proxy = await startDelayProxy({ targetPort: port, delayMs: cfg.delayMs })
      try {
        const addr = `/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${ready.peerId}`
        const client = startClient(stack, 'wire', addr, cfg, { iterations: cfg.iterations, warmup: cfg.warmup, directAddr: ready.addr })
        const res = await clientResult(client, cfg)
        return { samples: res.samples, directSamples: res.directSamples }
      } finally {
        await proxy.close()
      }
    })
  }
}

function prefixed (prefix, obj) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [`${prefix} ${k}`, v]))
}

function roundLine (name, r) {
  const f = (x, d = 0) => Number.isFinite(x) ? x.toFixed(d) : '-'
  switch (name) {
    case 'limit': return `up ${f(r.upload.bytes / r.upload.ms / 1000)} MB/s, down ${f(r.download.bytes / r.download.ms / 1000)} MB/s, CPU ${f((r.upload.cpuUs + r.upload.serverCpuUs + r.download.cpuUs + r.download.serverCpuUs) * 1000 / (r.upload.bytes + r.download.bytes), 2)} ns/B`
    case 'styles': return Object.entries({ ...prefixed('read', r.read), ...prefixed('write', r.write) }).map(([k, x]) => `${k} ${x == null ? 'n/a' : f(x.bytes / x.ms / 1000)}`).join(', ') + ' MB/s'
    case 'throughput': return `up ${f(r.upload.bytes / r.upload.ms / 1000)} MB/s, down ${f(r.download.bytes / r.download.ms / 1000)} MB/s, CPU ${f((r.upload.cpuUs + r.upload.serverCpuUs + r.download.cpuUs + r.download.serverCpuUs) * 1000 / (r.upload.bytes + r.download.bytes), 2)} ns/B`
    case 'connect': return `median dial+ping ${f(median(r.samples.map(s => s.totalMs)), 2)} ms over ${r.samples.length}${r.extraConnections > 0 ? `, ${r.extraConnections} extra connections opened` : ''}`
    case 'streams': return `sequential ${f(r.sequential.perSecond)}/s, parallel ${f(r.parallel.perSecond)}/s`
    case 'memory': return `heap/conn client ${f((r.client.loaded.heapUsed - r.client.baseline.heapUsed) / r.connections / 1024, 1)} KiB, server ${f((r.server.loaded.heapUsed - r.server.baseline.heapUsed) / r.connections / 1024, 1)} KiB${r.retried.length > 0 ? `, ${r.retried.length} dial(s) retried: ${r.retried[0].error}` : ''}`
    case 'wire': return `median ${f(median(r.samples.map(s => s.totalMs)), 1)} ms through the proxy (dial ${f(median(r.samples.map(s => s.dialMs)), 1)} ms), ${f(median(r.directSamples.map(s => s.totalMs)), 1)} ms direct`
    default: return ''
  }
}

// ------------------------------------------------------------------ main

function git (...args) {
  try {
    return execFileSync('git', ['-C', REPO_DIR, ...args], { encoding: 'utf8' }).trim()
  } catch {
    return null
  }
}

// the js stack is interop/js-peer's node_modules: install it (and tools/node24) when missing, as
// the interop tests do; BENCH_JS_MODULES points elsewhere and is left alone
if (stacks.includes('js') && process.env.BENCH_JS_MODULES == null && !existsSync(join(JS_MODULES_DIR, 'libp2p', 'package.json'))) {
  log(`${relative(REPO_DIR, JS_MODULES_DIR)} is missing: npm ci of the js peer (js-libp2p 3.x)`)
  try {
    const { did } = ensureJsPeer()
    log(did.length > 0 ? `installed: ${did.join('; ')}` : 'already installed')
  } catch (err) {
    log(`installing the js peer failed (the js rounds fail while ${relative(REPO_DIR, JS_MODULES_DIR)} is missing): ${err.name}: ${err.message}`)
  }
}

const jsVersions = stackVersions('js')
const versionMismatch = Object.entries(JS_EXPECTED_VERSIONS).filter(([n, v]) => jsVersions[n] !== v)
if (stacks.includes('js') && versionMismatch.length > 0) {
  log(`warning: js-libp2p packages in ${JS_MODULES_DIR} differ from the pinned versions:`, versionMismatch.map(([n, v]) => `${n} want ${v} have ${jsVersions[n]}`).join(', '))
}

const startedAt = new Date()
const meta = {
  command: `node ${relative(process.cwd(), join(BENCH_DIR, 'run.mjs')) || 'bench/run.mjs'} ${process.argv.slice(2).join(' ')}`.trim(),
  date: startedAt.toISOString(),
  node: process.version,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  totalMemMiB: Math.round(os.totalmem() / MiB),
  loadavgStart: loadavg(),
  git: { head: git('rev-parse', '--short', 'HEAD'), dirtyFilesUnderPackages: (git('status', '--porcelain', '--', 'packages') ?? '').split('\n').filter(Boolean).length },
  stacks,
  withIdentify: cli.identify,
  versions: { js: jsVersions, ours: stackVersions('ours') },
  jsModulesDir: JS_MODULES_DIR,
  nodeFlags: { js: nodeFlagsFor('js'), ours: nodeFlagsFor('ours'), memoryScenarioAdds: ['--expose-gc'] }
}
log(`node ${meta.node}, ${meta.cpus} cpus, load average ${meta.loadavgStart.join(' ')}, git ${meta.git.head} (${meta.git.dirtyFilesUnderPackages} changed files under packages/)`)

const results = {}
for (const name of only) {
  const cfg = config[name]
  const rec = { params: cfg, loadavgBefore: loadavg(), rounds: [] }
  results[name] = rec
  if (name === 'wire') {
    rec.proxyCalibrationMs = await calibrateProxy({ delayMs: cfg.delayMs })
    log(`[wire] raw TCP connect + 1-byte echo through the ${cfg.delayMs} ms proxy: ${rec.proxyCalibrationMs.map(x => x.toFixed(1)).join(', ')} ms (1 RTT = ${2 * cfg.delayMs} ms)`)
  }
  for (let r = 0; r < cfg.rounds; r++) {
    const order = STACKLESS.includes(name) ? ['limit'] : r % 2 === 0 ? stacks : [...stacks].reverse()
    const round = {}
    for (const stack of order) {
      const t0 = performance.now()
      try {
        round[stack] = await RUNNERS[name](stack, cfg)
        log(`[${name}] round ${r + 1}/${cfg.rounds} ${stack.padEnd(4)} ${roundLine(name, round[stack])} (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
      } catch (err) {
        round[stack] = { error: describeError(err), serverMessages: err.serverMessages }
        log(`[${name}] round ${r + 1}/${cfg.rounds} ${stack.padEnd(4)} FAILED: ${err.name}: ${err.message}`)
      }
    }
    rec.rounds.push(round)
  }
  rec.loadavgAfter = loadavg()
}
meta.loadavgEnd = loadavg()
meta.durationS = Math.round((Date.now() - startedAt.getTime()) / 1000)

const summary = summarize(results)
const errors = { js: new Set(), ours: new Set(), limit: new Set() }
const failures = []
for (const [name, rec] of Object.entries(results)) {
  rec.rounds.forEach((round, i) => {
    for (const stack of [...stacks, 'limit']) {
      if (round[stack]?.error != null) {
        for (const label of ROW_GROUPS[name]) errors[stack].add(label)
        failures.push({ scenario: name, round: i + 1, stack, ...round[stack] })
      }
    }
  })
}
const rows = buildRows(summary, errors)
const table = renderTable(rows)

const out = { meta, config: Object.fromEntries(only.map(n => [n, config[n]])), summary, rows: rows.map(({ text, ...r }) => r), scenarios: results, failures }
mkdirSync(dirname(cli.out), { recursive: true })
writeFileSync(cli.out, JSON.stringify(out, null, 2) + '\n')

console.log(`\nlibp2p benchmark: ours vs js-libp2p ${jsVersions.libp2p ?? '?'} (TCP + Noise + Yamux, loopback)`)
console.log(`node ${meta.node}, ${meta.cpus} cpus (${meta.cpuModel}), load average start ${meta.loadavgStart.join(' ')}, end ${meta.loadavgEnd.join(' ')}, ${meta.durationS} s`)
console.log(`MB = 10^6 bytes; (x) = best round; ratios are ours/js on the medians\n`)
console.log(table)
const limitTable = renderLimitTable(summary)
if (limitTable != null) {
  console.log('\nthe limit: the same bytes through a bare TCP pair, Noise framing, ChaCha20-Poly1305 from node:crypto, no libp2p\n')
  console.log(limitTable)
}
if (failures.length > 0) {
  console.log(`\n${failures.length} failed run(s):`)
  for (const f of failures) {
    console.log(`\n- ${f.scenario} round ${f.round} ${f.stack}: ${f.error.name}: ${f.error.message}`)
    if (f.error.stack != null) console.log(f.error.stack.split('\n').map(l => '    ' + l).join('\n'))
    if (f.serverMessages != null) console.log('    server: ' + JSON.stringify(f.serverMessages).slice(0, 2000))
  }
}
console.log(`\nJSON: ${relative(process.cwd(), cli.out)}`)
