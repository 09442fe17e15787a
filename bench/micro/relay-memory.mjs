/* eslint-disable no-console */
// Where a relay reservation's memory goes (issue 12): one relay process, N client peers in other
// processes on 127.0.0.1 each holding one connection to it and (unless --mode connect) one
// reservation. The relay's memory after a forced GC, before and after, divided by N.
//
//   node bench/micro/relay-memory.mjs [--n 400] [--procs 2] [--mode reserve|connect]
//        [--steps 3] [--relay-flags='...'] [--off dht,identify,ping,relay,monitor] [--relay micro|node] [--stack ours|js] [--snapshot DIR]
//
// The peers connect in --steps equal steps, memory measured after each. Two figures per connection:
// `total` (0 -> N) and `marginal` (end of step 1 -> N), the second without the one-time costs the
// first connections bring (V8's young generation grown to its working size, caches, lazily loaded
// code), i.e. what one more reservation costs a relay that already holds some.
// --relay micro (default): relay-memory-relay.mjs, built as `libp2p node` builds it with the parts
//   named by --off left out and the per-IP inbound rate raised (clients connect 16 at a time).
// --relay node: bench/lib/node-relay.mjs, the node load benchmark's relay (`--stack ours`:
//   startPublicNode itself; `--stack js`: js-libp2p's circuitRelayServer with the same services),
//   with its per-IP rate of 5 connections a second, so clients dial one every 250 ms.
// --snapshot DIR (micro relay only): heap snapshots in DIR, before.heapsnapshot at the end of
//   step 1 (at 0 with --steps 1) and after.heapsnapshot at N; compare them with relay-memory-heap.mjs.
// `--off identify` needs `dht` off too (the DHT depends on identify).
// Prints one JSON line: memory at each step, and per connection the relay holds in KiB (1024 bytes).
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { spawnChild } from '../lib/children.mjs'
import { ask, loadLimits, startRelay } from '../lib/node-load.mjs'
import { BENCH_DIR, nodeFlagsFor } from '../lib/stacks.mjs'

const { values: opts } = parseArgs({
  options: {
    n: { type: 'string', default: '400' },
    procs: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'reserve' },
    off: { type: 'string', default: '' },
    relay: { type: 'string', default: 'micro' },
    stack: { type: 'string', default: 'ours' },
    snapshot: { type: 'string' },
    steps: { type: 'string', default: '3' },
    /** more node flags for the micro relay, e.g. '--import ./probe.mjs' or '--max-semi-space-size=4' */
    'relay-flags': { type: 'string', default: '' },
    'settle-ms': { type: 'string', default: '2000' }
  }
})
const N = Number(opts.n)
const PROCS = Number(opts.procs)
const OP_TIMEOUT_MS = 30_000
const HARD_TIMEOUT_MS = 15 * 60_000
const KiB = 1024
const MICRO_RELAY = join(BENCH_DIR, 'micro', 'relay-memory-relay.mjs')
const PEERS = join(BENCH_DIR, 'micro', 'relay-memory-peers.mjs')
const off = opts.off === '' ? [] : opts.off.split(',')
const wait = (ms) => new Promise(resolve => setTimeout(resolve, ms))
const log = (...args) => console.error('[relay-memory]', ...args)

async function startMicroRelay (limits) {
  const relay = spawnChild({
    role: 'relay',
    script: MICRO_RELAY,
    args: ['--params', JSON.stringify({ off, limits, hardTimeoutMs: HARD_TIMEOUT_MS })],
    nodeFlags: ['--expose-gc', ...opts['relay-flags'].split(' ').filter(f => f !== '')],
    hardTimeoutMs: HARD_TIMEOUT_MS + 10_000
  })
  return { relay, ready: await relay.waitFor(m => m.type === 'ready', 60_000) }
}

const limits = loadLimits({ reservations: N, circuits: 0 })
const paced = opts.relay === 'node'
if (!paced && opts.stack !== 'ours') throw new TypeError('--stack js needs --relay node')
const { relay, ready } = paced ? await startRelay(opts.stack, { limits, dhtLan: true }, HARD_TIMEOUT_MS) : await startMicroRelay(limits)
const procs = []
try {
  for (let p = 0; p < PROCS; p++) {
    const count = Math.floor(N / PROCS) + (p < N % PROCS ? 1 : 0)
    procs.push(spawnChild({
      role: `peers ${p}`,
      script: PEERS,
      args: ['--params', JSON.stringify({
        relayAddr: ready.addr,
        count,
        reserve: opts.mode !== 'connect',
        // a paced relay takes 5 connections a second from one IP: all processes together dial 4 a second
        concurrency: paced ? 4 : 8,
        spacingMs: paced ? 250 * PROCS : 0,
        opTimeoutMs: OP_TIMEOUT_MS,
        hardTimeoutMs: HARD_TIMEOUT_MS
      })],
      nodeFlags: nodeFlagsFor('ours'),
      hardTimeoutMs: HARD_TIMEOUT_MS + 10_000
    }))
  }
  await Promise.all(procs.map(c => c.waitFor(m => m.type === 'ready', 180_000)))
  // the relay settles (its DHT and listeners start timers and caches) before the baseline
  await wait(Number(opts['settle-ms']))
  const points = [{ ok: 0, mem: await ask(relay, { cmd: 'mem', tag: 'step 0' }, 'mem', 60_000) }]
  const steps = Number(opts.steps)
  const snapshot = async (name) => {
    if (opts.snapshot != null) await ask(relay, { cmd: 'snapshot', file: join(opts.snapshot, `${name}.heapsnapshot`) }, 'snapshot', 120_000)
  }
  if (steps === 1) await snapshot('before')
  let ok = 0
  const errors = []
  const t0 = performance.now()
  for (let step = 1; step <= steps; step++) {
    const done = await Promise.all(procs.map(c => ask(c, { cmd: 'go', count: Math.ceil(N / PROCS / steps) }, 'done', HARD_TIMEOUT_MS)))
    ok += done.reduce((n, d) => n + d.ok, 0)
    errors.push(...done.flatMap(d => d.errors))
    // identify, the DHT's first exchanges and the monitor's first pings finish after the reservation
    await wait(Number(opts['settle-ms']))
    points.push({ ok, mem: await ask(relay, { cmd: 'mem', tag: `step ${step}` }, 'mem', 60_000) })
    if (step === 1 && steps > 1) await snapshot('before')
  }
  await snapshot('after')
  const connectS = (performance.now() - t0) / 1000
  log(`${ok} of ${N} peers ${opts.mode === 'connect' ? 'connected' : 'reserved'} in ${connectS.toFixed(1)} s`, errors.slice(0, 3))
  // divided by the connections the relay holds, not the peers that got in: a connection the relay
  // closed since (its monitor's late pings on a loaded machine) costs nothing any more
  const perConnection = (a, b) => {
    const held = b.mem.connections - a.mem.connections
    const per = { connections: held }
    for (const k of ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers']) per[k] = Math.round((b.mem[k] - a.mem[k]) / held / KiB * 10) / 10
    // V8's spaces are reported by the micro relay only
    if (b.mem.spaces != null) per.oldSpaceUsed = Math.round((b.mem.spaces.old_space.used - a.mem.spaces.old_space.used) / held / KiB * 10) / 10
    return per
  }
  const last = points[points.length - 1]
  console.log(JSON.stringify({
    relay: opts.relay,
    stack: opts.stack,
    mode: opts.mode,
    off,
    n: N,
    ok,
    failed: N - ok,
    connectS: Math.round(connectS * 10) / 10,
    connectionsAtRelay: last.mem.connections,
    reservationsAtRelay: last.mem.reservations,
    totalKiB: perConnection(points[0], last),
    marginalKiB: steps > 1 ? perConnection(points[1], last) : undefined,
    points
  }))
} finally {
  await Promise.all(procs.map(c => c.stop(10_000)))
  await relay.stop(10_000)
}
