// `npm run bench -- --only node-soak [--duration <minutes>]`: our public node (lib/node-relay.mjs,
// `libp2p node`'s startPublicNode with its default limits) under churning clients
// (lib/node-churn.mjs) for `duration` minutes. Every 10 s: the relay's heap and RSS after a full
// GC, its open file descriptors (/proc/<pid>/fd), reservations, circuits and connections. Reports
// the slope of each over the last 2/3 of the run (least squares) and the failed client turns.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { spawnChild } from './children.mjs'
import { ask, startRelay } from './node-load.mjs'
import { BENCH_DIR, nodeFlagsFor } from './stacks.mjs'

export const NODE_SOAK_OUT = join(BENCH_DIR, 'results', 'node-soak.json')
const CHURN = join(BENCH_DIR, 'lib', 'node-churn.mjs')
const MiB = 1024 * 1024
const SAMPLE_EVERY_MS = 10_000
// 2 processes x 2 workers; one turn (2 new connections) every 750 ms: the relay's per-IP inbound
// limit (5 a second, counted in one-second windows that start at a connection) then sees at most
// 2 turns in a window even when one starts up to 0.5 s late
const PLAN = { processes: 2, workersPerProcess: 2, spacingMs: 750, echoBytes: 16 * 1024, opTimeoutMs: 30_000 }
// every client is 127.0.0.1: the per-IP reservation cap (8) is raised, nothing else
const LIMITS = { maxReservationsPerIp: 1024 }

const log = (...args) => console.error('[bench node-soak]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)

/** least-squares slope of y over x */
export function slope (points) {
  const n = points.length
  if (n < 2) return NaN
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0)
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0)
  return sxy / sxx
}

function fdCount (pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return NaN
  }
}

export async function runNodeSoak ({ durationMin = 30, out = NODE_SOAK_OUT, command, git }) {
  const durationMs = Math.round(durationMin * 60_000)
  const meta = { command, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, git, loadavgStart: loadavg(), durationMin, plan: PLAN, limits: LIMITS, sampleEveryMs: SAMPLE_EVERY_MS }
  const samples = []
  const save = (extra = {}) => {
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify({ meta, samples, ...extra }, null, 2) + '\n')
  }
  const hardTimeoutMs = durationMs + 300_000
  const { relay, ready } = await startRelay('ours', { limits: LIMITS, countRefusals: true }, hardTimeoutMs)
  const procs = []
  let ticker
  try {
    const t0 = Date.now()
    const sample = async () => {
      const m = await ask(relay, { cmd: 'mem', tag: 'sample' }, 'mem', 60_000)
      const u = await ask(relay, { cmd: 'usage', tag: 'sample' }, 'usage', 30_000)
      const s = { tS: (Date.now() - t0) / 1000, heapUsed: m.heapUsed, rss: m.rss, external: m.external, fds: fdCount(ready.pid), reservations: m.reservations, circuits: m.circuits, connections: m.connections, refusedInbound: u.refusedInbound, cpuUs: u.cpuUs, loadavg: loadavg() }
      samples.push(s)
      return s
    }
    await sample()
    const startAt = Date.now() + 2000
    const endAt = startAt + durationMs
    const slots = PLAN.processes * PLAN.workersPerProcess
    for (let p = 0; p < PLAN.processes; p++) {
      procs.push(spawnChild({
        role: `churn ${p}`,
        script: CHURN,
        args: ['--params', JSON.stringify({ relayAddr: ready.addr, slot0: p * PLAN.workersPerProcess, slots, workers: PLAN.workersPerProcess, startAt, endAt, spacingMs: PLAN.spacingMs, echoBytes: PLAN.echoBytes, opTimeoutMs: PLAN.opTimeoutMs, hardTimeoutMs })],
        nodeFlags: nodeFlagsFor('ours'),
        hardTimeoutMs: hardTimeoutMs + 10_000
      }))
    }
    // one sample every 10 s, never two at once (a full GC of a loaded node can take a while)
    let sampling = Promise.resolve()
    ticker = setInterval(() => {
      sampling = sampling.then(sample).then((s) => {
        if (samples.length % 6 === 0) log(`${Math.round(s.tS)} s: heap ${(s.heapUsed / MiB).toFixed(1)} MiB, RSS ${(s.rss / MiB).toFixed(1)} MiB, ${s.fds} fds, ${s.connections} connections, ${s.reservations} reservations`)
        if (samples.length % 30 === 0) save()
      }, err => log(`sample failed: ${err.name}: ${err.message}`))
    }, SAMPLE_EVERY_MS)
    const results = await Promise.all(procs.map(c => c.waitFor(m => m.type === 'result', durationMs + 120_000)))
    clearInterval(ticker)
    await sampling
    // after the last turn: the churn is over, what is left should drain
    const after = await sample()

    const warm = samples.slice(Math.floor(samples.length / 3), -1)
    const perMin = (field, scale) => slope(warm.map(s => ({ x: s.tS / 60, y: s[field] / scale })))
    const churn = {
      turns: results.reduce((n, r) => n + r.turns, 0),
      ok: results.reduce((n, r) => n + r.ok, 0),
      failed: results.reduce((n, r) => n + r.failed, 0),
      byStep: results.reduce((acc, r) => { for (const [k, v] of Object.entries(r.byStep)) acc[k] = (acc[k] ?? 0) + v; return acc }, {}),
      stepMsMean: Object.fromEntries(Object.keys(results[0].stepMs).map(k => [k, results.reduce((n, r) => n + r.stepMs[k], 0) / Math.max(1, results.reduce((n, r) => n + r.turns, 0))])),
      recent: results.flatMap(r => r.recent).slice(0, 20)
    }
    const summary = {
      samples: samples.length,
      warmSamples: warm.length,
      heapKiBPerMin: perMin('heapUsed', 1024),
      rssKiBPerMin: perMin('rss', 1024),
      fdsPerMin: perMin('fds', 1),
      heapMiB: { first: samples[0].heapUsed / MiB, warmStart: warm[0]?.heapUsed / MiB, max: Math.max(...samples.map(s => s.heapUsed)) / MiB, last: after.heapUsed / MiB },
      rssMiB: { first: samples[0].rss / MiB, warmStart: warm[0]?.rss / MiB, max: Math.max(...samples.map(s => s.rss)) / MiB, last: after.rss / MiB },
      fds: { first: samples[0].fds, warmStart: warm[0]?.fds, max: Math.max(...samples.map(s => s.fds)), last: after.fds },
      after: { reservations: after.reservations, circuits: after.circuits, connections: after.connections },
      // inbound connections the node's admission limits refused (its connection manager's log)
      refusedInbound: after.refusedInbound,
      relayCpuS: (after.cpuUs - samples[0].cpuUs) / 1e6
    }
    meta.loadavgEnd = loadavg()
    save({ summary, churn })
    const f = (x, d = 1) => Number.isFinite(x) ? x.toFixed(d) : '-'
    console.log(`\nPublic node soak: ${durationMin} min of churning clients (${churn.turns} turns: 2 peers connect + reserve, a circuit echoing ${PLAN.echoBytes / 1024} KiB, a DHT FIND_NODE, both stop)`)
    console.log(`node ${meta.node}, ${meta.cpus} cpus, git ${git ?? '?'}, load average start ${meta.loadavgStart.join(' ')}, end ${meta.loadavgEnd.join(' ')}\n`)
    console.log('| | first | start of the last 2/3 | max | after the churn | slope over the last 2/3 |')
    console.log('| --- | --- | --- | --- | --- | --- |')
    console.log(`| heap MiB (after GC) | ${f(summary.heapMiB.first)} | ${f(summary.heapMiB.warmStart)} | ${f(summary.heapMiB.max)} | ${f(summary.heapMiB.last)} | ${f(summary.heapKiBPerMin)} KiB/min |`)
    console.log(`| RSS MiB | ${f(summary.rssMiB.first)} | ${f(summary.rssMiB.warmStart)} | ${f(summary.rssMiB.max)} | ${f(summary.rssMiB.last)} | ${f(summary.rssKiBPerMin)} KiB/min |`)
    console.log(`| open fds | ${summary.fds.first} | ${summary.fds.warmStart} | ${summary.fds.max} | ${summary.fds.last} | ${f(summary.fdsPerMin, 2)} /min |`)
    console.log(`\nturns ${churn.turns}, ok ${churn.ok}, failed ${churn.failed} ${JSON.stringify(churn.byStep)}; after the churn: ${after.reservations} reservations, ${after.circuits} circuits, ${after.connections} connections; inbound connections refused by the node's limits: ${JSON.stringify(after.refusedInbound ?? {})}; relay CPU ${f(summary.relayCpuS, 0)} s`)
    console.log(`\nJSON: ${out}`)
    return { summary, churn }
  } finally {
    clearInterval(ticker)
    await Promise.all(procs.map(c => c.stop(10_000)))
    await relay.stop(10_000)
  }
}
