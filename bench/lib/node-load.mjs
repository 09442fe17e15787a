// `npm run bench -- --only node`: one relay process (lib/node-relay.mjs: ours = `libp2p node`'s
// startPublicNode, js = js-libp2p 3.x's circuitRelayServer with the same services and limits)
// holding `reservations` reservations from client processes (lib/node-peers.mjs) and then
// `circuits` circuits between them moving data. Memory per reservation and per circuit,
// relayed throughput, relay CPU per relayed MB, time to accept a reservation. See README.md.
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { spawnChild } from './children.mjs'
import { percentile } from './dht.mjs'
import { BENCH_DIR, nodeFlagsFor, stackVersions } from './stacks.mjs'

export const NODE_OUT = join(BENCH_DIR, 'results', 'node.json')
const RELAY = join(BENCH_DIR, 'lib', 'node-relay.mjs')
const PEERS = join(BENCH_DIR, 'lib', 'node-peers.mjs')
const MiB = 1024 * 1024
const GiB = 1024 * MiB

// spacingMs: one dial every 250 ms across all client processes, under both relays' per-IP inbound
// limit of 5 connections a second (every client is 127.0.0.1)
const FULL = { rounds: 1, reservations: 1000, circuits: 200, processes: 4, spacingMs: 250, warmupMs: 5000, windowMs: 20_000, settleMs: 3000 }
const QUICK = { rounds: 1, reservations: 40, circuits: 10, processes: 2, spacingMs: 250, warmupMs: 1000, windowMs: 4000, settleMs: 1000 }
const OP_TIMEOUT_MS = 30_000

/** the same limits on both relays: room for the load, circuits unlimited in bytes and long enough for the run */
export function loadLimits ({ reservations, circuits }) {
  return {
    maxReservations: Math.max(1024, reservations),
    maxReservationsPerIp: Math.max(1024, reservations),
    reservationTtl: 2 * 60 * 60 * 1000,
    maxCircuits: Math.max(256, circuits),
    maxCircuitsPerPeer: 8,
    circuitDurationLimit: 60 * 60 * 1000,
    circuitDataLimit: Number.MAX_SAFE_INTEGER,
    maxConnections: 2 * reservations + 100
  }
}

const log = (...args) => console.error('[bench node]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)
const wait = (ms) => new Promise(resolve => setTimeout(resolve, ms))

/** starts the relay child; resolves with it and its ready message */
export async function startRelay (stack, params, hardTimeoutMs) {
  const relay = spawnChild({
    role: `${stack} relay`,
    script: RELAY,
    args: ['--stack', stack, '--params', JSON.stringify({ ...params, hardTimeoutMs })],
    nodeFlags: [...nodeFlagsFor(stack), '--expose-gc'],
    hardTimeoutMs: hardTimeoutMs + 10_000
  })
  try {
    return { relay, ready: await relay.waitFor(m => m.type === 'ready', 60_000) }
  } catch (err) {
    await relay.stop(1000)
    throw err
  }
}

/** sends cmd to child and waits for its answer of `type` */
export async function ask (child, cmd, type, timeoutMs) {
  child.send(cmd)
  return child.waitFor(m => m.type === type, timeoutMs)
}

async function runOne (stack, plan) {
  if (2 * plan.circuits > plan.reservations) throw new RangeError(`${plan.circuits} circuits need ${2 * plan.circuits} peers, there are ${plan.reservations}`)
  const limits = loadLimits(plan)
  const hardTimeoutMs = plan.reservations * plan.spacingMs + plan.windowMs + 600_000
  // ours counts the inbound connections its admission limits refuse (js has no such log to read)
  const { relay, ready } = await startRelay(stack, { limits, dhtLan: true, countRefusals: stack === 'ours' }, hardTimeoutMs)
  const procs = []
  try {
    const base = await ask(relay, { cmd: 'mem', tag: 'baseline' }, 'mem', 60_000)
    const perProc = Math.ceil(plan.reservations / plan.processes)
    for (let p = 0; p < plan.processes; p++) {
      const first = p * perProc
      const count = Math.min(perProc, plan.reservations - first)
      procs.push(spawnChild({
        role: `peers ${p}`,
        script: PEERS,
        args: ['--params', JSON.stringify({ relayAddr: ready.addr, first, count, spacingMs: plan.spacingMs, opTimeoutMs: OP_TIMEOUT_MS, hardTimeoutMs })],
        nodeFlags: nodeFlagsFor('ours'),
        hardTimeoutMs: hardTimeoutMs + 10_000
      }))
    }
    await Promise.all(procs.map(c => c.waitFor(m => m.type === 'ready', 180_000)))

    // reservations: every peer of every process on one schedule
    const startAt = Date.now() + 2000
    const tRes = performance.now()
    const reserveTimeout = plan.reservations * plan.spacingMs + 4 * OP_TIMEOUT_MS + 60_000
    const reserved = await Promise.all(procs.map(c => ask(c, { cmd: 'reserve', startAt }, 'reserved', reserveTimeout)))
    const reserveS = (performance.now() - tRes) / 1000
    const reserveMs = reserved.flatMap(r => r.reserveMs)
    const failedReservations = reserved.reduce((n, r) => n + r.failed, 0)
    log(`${stack}: ${reserveMs.length} reservations in ${reserveS.toFixed(0)} s (${failedReservations} failed, ${reserved.reduce((n, r) => n + r.retries, 0)} dials retried), accept p50 ${percentile(reserveMs, 50).toFixed(1)} ms p99 ${percentile(reserveMs, 99).toFixed(1)} ms`)
    await wait(plan.settleMs)
    const withReservations = await ask(relay, { cmd: 'mem', tag: 'reservations' }, 'mem', 60_000)

    // circuits: global peer i -> peer i + reservations/2, so initiators and targets sit in different processes
    const peerIds = reserved.flatMap(r => r.peerIds)
    const byProc = procs.map(() => [])
    for (let i = 0; i < plan.circuits; i++) {
      byProc[Math.floor(i / perProc)].push({ from: i % perProc, to: peerIds[i + Math.floor(plan.reservations / 2)] })
    }
    const opened = await Promise.all(procs.map((c, p) => ask(c, { cmd: 'circuits', pairs: byProc[p] }, 'circuits', 2 * OP_TIMEOUT_MS)))
    const circuitsOpen = opened.reduce((n, r) => n + r.opened, 0)
    log(`${stack}: ${circuitsOpen} circuits open (${opened.reduce((n, r) => n + r.failed, 0)} failed), sending`)
    await wait(plan.warmupMs)
    const sample = async (tag) => {
      const [usage, ...bytes] = await Promise.all([ask(relay, { cmd: 'usage', tag }, 'usage', 30_000), ...procs.map(c => ask(c, { cmd: 'bytes', tag }, 'bytes', 30_000))])
      return { at: performance.now(), usage, bytes: bytes.reduce((n, b) => n + b.bytes, 0), inbound: bytes.reduce((n, b) => n + b.inbound, 0) }
    }
    const w0 = await sample('window-start')
    await wait(plan.windowMs)
    const w1 = await sample('window-end')
    const withCircuits = await ask(relay, { cmd: 'mem', tag: 'circuits' }, 'mem', 60_000)
    const stopped = await Promise.all(procs.map(c => ask(c, { cmd: 'stop-data' }, 'data-stopped', OP_TIMEOUT_MS)))
    const held = await Promise.all(procs.map(c => ask(c, { cmd: 'held' }, 'held', 30_000)))
    const final = await ask(relay, { cmd: 'usage', tag: 'final' }, 'usage', 30_000)

    const relayedMB = (w1.bytes - w0.bytes) / 1e6
    const windowS = (w1.at - w0.at) / 1000
    const res = {
      reservations: reserveMs.length,
      failedReservations,
      dialRetries: reserved.reduce((n, r) => n + r.retries, 0),
      reserveS,
      reserveMs: { p50: percentile(reserveMs, 50), p90: percentile(reserveMs, 90), p99: percentile(reserveMs, 99), max: Math.max(...reserveMs) },
      dialMs: { p50: percentile(reserved.flatMap(r => r.dialMs), 50), p99: percentile(reserved.flatMap(r => r.dialMs), 99) },
      memory: { baseline: base, reservations: withReservations, circuits: withCircuits },
      heapPerReservationKiB: (withReservations.heapUsed - base.heapUsed) / reserveMs.length / 1024,
      rssPerReservationKiB: (withReservations.rss - base.rss) / reserveMs.length / 1024,
      circuitsOpen,
      failedCircuits: opened.reduce((n, r) => n + r.failed, 0),
      circuitsAtRelay: w1.usage.circuits,
      circuitsReceiving: w1.inbound,
      heapPerCircuitKiB: (withCircuits.heapUsed - withReservations.heapUsed) / circuitsOpen / 1024,
      rssPerCircuitKiB: (withCircuits.rss - withReservations.rss) / circuitsOpen / 1024,
      windowS,
      relayedMBps: relayedMB / windowS,
      cpuMsPerMB: (w1.usage.cpuUs - w0.usage.cpuUs) / 1000 / relayedMB,
      cpuShare: (w1.usage.cpuUs - w0.usage.cpuUs) / 1e6 / windowS,
      sendErrors: stopped.reduce((n, s) => n + s.sendErrors, 0),
      heldAfter: held.reduce((n, h) => n + h.held, 0),
      // relay connections that ended before the end, by side (as the client saw it) and error
      closedEarly: held.reduce((acc, h) => { for (const [k, v] of Object.entries(h.closes ?? {})) acc[k] = (acc[k] ?? 0) + v; return acc }, {}),
      relayAfter: final,
      peerErrors: [...reserved, ...opened, ...stopped].flatMap(r => r.errors).slice(0, 20),
      relayStderrTail: relay.stderr.slice(-4000)
    }
    // per GiB of the relay's RSS growth, reservations with their connections
    res.reservationsPerGiB = GiB / (res.rssPerReservationKiB * 1024)
    res.reservationsPerGiBHeap = GiB / (res.heapPerReservationKiB * 1024)
    return res
  } finally {
    await Promise.all(procs.map(c => c.stop(10_000)))
    await relay.stop(10_000)
  }
}

function renderTable (runs) {
  const f = (x, d = 0) => x == null || !Number.isFinite(x) ? '-' : x.toFixed(d)
  /** the median over the stack's rounds */
  const stat = (stack, get) => {
    const xs = runs.filter(r => r.stack === stack && r.result != null).map(r => get(r.result)).sort((a, b) => a - b)
    return xs.length === 0 ? NaN : xs[Math.floor((xs.length - 1) / 2)]
  }
  const rows = [
    ['reservations held', r => r.reservations, 0],
    ['reservation accept p50 ms', r => r.reserveMs.p50, 1],
    ['reservation accept p99 ms', r => r.reserveMs.p99, 1],
    ['heap KiB / reservation', r => r.heapPerReservationKiB, 1],
    ['RSS KiB / reservation', r => r.rssPerReservationKiB, 1],
    ['reservations / GiB RSS', r => r.reservationsPerGiB, 0],
    ['reservations / GiB heap', r => r.reservationsPerGiBHeap, 0],
    ['circuits open', r => r.circuitsOpen, 0],
    ['heap KiB / circuit', r => r.heapPerCircuitKiB, 1],
    ['RSS KiB / circuit', r => r.rssPerCircuitKiB, 1],
    ['circuits still receiving at the window end', r => r.circuitsReceiving, 0],
    ['relayed MB/s (all circuits)', r => r.relayedMBps, 1],
    ['relay CPU ms / relayed MB', r => r.cpuMsPerMB, 2],
    ['relay CPU (cores busy)', r => r.cpuShare, 2],
    ['relay connections held at the end (of reservations)', r => r.heldAfter, 0],
    ['failed reservations + circuits + sends', r => r.failedReservations + r.failedCircuits + r.sendErrors, 0]
  ]
  const lines = rows.map(([label, get, d]) => {
    const ours = stat('ours', get)
    const js = stat('js', get)
    return [label, f(ours, d), f(js, d), Number.isFinite(ours / js) ? (ours / js).toFixed(2) : '-']
  })
  return [['', 'ours', 'js', 'ours/js'], ['---', '---', '---', '---'], ...lines].map(c => `| ${c.join(' | ')} |`).join('\n')
}

export async function runNodeLoad ({ quick = false, rounds, stacks = ['js', 'ours'], out = NODE_OUT, command, git, plan: overrides }) {
  const plan = { ...(quick ? QUICK : FULL), ...overrides }
  if (rounds != null) plan.rounds = rounds
  const meta = { command, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, totalMemMiB: Math.round(os.totalmem() / MiB), git, loadavgStart: loadavg(), plan, limits: loadLimits(plan), versions: { js: stackVersions('js') } }
  const runs = []
  const save = () => {
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify({ meta, runs }, null, 2) + '\n')
  }
  for (let round = 0; round < plan.rounds; round++) {
    for (const stack of round % 2 === 0 ? stacks : [...stacks].reverse()) {
      const loadBefore = loadavg()
      const t0 = performance.now()
      try {
        const result = await runOne(stack, plan)
        runs.push({ stack, round, loadBefore, loadAfter: loadavg(), wallS: (performance.now() - t0) / 1000, result })
        log(`${stack}: ${result.relayedMBps.toFixed(1)} MB/s over ${result.circuitsOpen} circuits, ${result.cpuMsPerMB.toFixed(2)} CPU ms/MB, heap ${result.heapPerReservationKiB.toFixed(1)} KiB/reservation ${result.heapPerCircuitKiB.toFixed(1)} KiB/circuit, RSS ${result.rssPerReservationKiB.toFixed(1)} KiB/reservation`)
      } catch (err) {
        runs.push({ stack, round, loadBefore, loadAfter: loadavg(), error: `${err.name}: ${err.message}`, stderrTail: err.stderr?.slice(-3000) })
        log(`${stack} FAILED: ${err.name}: ${err.message}`)
      }
      save()
    }
  }
  meta.loadavgEnd = loadavg()
  save()
  console.log(`\nPublic node under load: ${plan.reservations} reservations, ${plan.circuits} circuits moving data (raw bytes, ${plan.windowMs / 1000} s window), clients in ${plan.processes} processes on 127.0.0.1`)
  console.log(`node ${meta.node}, ${meta.cpus} cpus, git ${git ?? '?'}, load average start ${meta.loadavgStart.join(' ')}, end ${meta.loadavgEnd.join(' ')}; KiB = 1024 B, MB = 10^6 B\n`)
  console.log(renderTable(runs))
  for (const r of runs.filter(r => r.error != null)) console.log(`\n- ${r.stack} round ${r.round + 1} FAILED: ${r.error}\n${r.stderrTail ?? ''}`)
  console.log(`\nJSON: ${out}`)
  return runs
}
