// `npm run bench -- --only dht`: Kademlia lookups and provides over N in-process nodes per stack
// with a one-way delay on every chunk (lib/dht-stacks.mjs, lib/dht-child.mjs). One child process
// per (stack, N), one after another. Prints a table, writes JSON. See README.md.
import { writeFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { spawnChild } from './children.mjs'
import { jsDhtVersions } from './dht-stacks.mjs'
import { BENCH_DIR, nodeFlagsFor } from './stacks.mjs'

export const DHT_OUT = join(BENCH_DIR, 'results', 'dht.json')
const CHILD = join(BENCH_DIR, 'lib', 'dht-child.mjs')
const MiB = 1024 * 1024

const FULL = { sizes: { ours: [100, 200, 500, 1000], js: [100, 200] }, lookups: 100, provides: 10 }
const QUICK = { sizes: { ours: [50], js: [50] }, lookups: 20, provides: 2 }
const COMMON = { delayMs: 20, links: 3, concurrency: 20, queryTimeoutMs: 60_000 }

const log = (...args) => console.error('[bench dht]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)

export function percentile (values, p) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]
}
const mean = (values) => values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length

/** the figures of one (stack, N) run */
export function summarizeDht (res) {
  const ok = res.lookups.filter(l => l.found)
  const provide = (optimistic) => {
    const runs = res.provides.filter(p => p.optimistic === optimistic && p.error == null)
    if (runs.length === 0) return null
    return { count: runs.length, p50Ms: percentile(runs.map(r => r.ms), 50), p95Ms: percentile(runs.map(r => r.ms), 95), meanMessages: mean(runs.map(r => r.messages)) }
  }
  const perNode = (phase, field) => (res.memory[phase][field] - res.memory.baseline[field]) / res.n
  return {
    lookups: res.lookups.length,
    found: ok.length,
    p50Ms: percentile(ok.map(l => l.ms), 50),
    p95Ms: percentile(ok.map(l => l.ms), 95),
    meanMessages: mean(ok.map(l => l.messages)),
    p95Messages: percentile(ok.map(l => l.messages), 95),
    meanHops: mean(ok.map(l => l.hops)),
    maxHops: Math.max(...ok.map(l => l.hops)),
    heapPerNodeKiB: { built: perNode('built', 'heapUsed') / 1024, after: perNode('after', 'heapUsed') / 1024 },
    rssPerNodeKiB: { built: perNode('built', 'rss') / 1024, after: perNode('after', 'rss') / 1024 },
    provide: provide(false),
    optimisticProvide: provide(true),
    buildS: (res.timings.createdMs + res.timings.connectedMs + res.timings.refreshMs) / 1000
  }
}

function renderDhtTable (rows) {
  const f = (x, d = 0) => x == null || !Number.isFinite(x) ? '-' : x.toFixed(d)
  const head = ['stack', 'N', 'found', 'p50 ms', 'p95 ms', 'msgs mean', 'msgs p95', 'hops mean/max', 'heap KiB/node', 'RSS KiB/node', 'provide p50/p95 ms', 'optimistic p50/p95 ms', 'build s']
  const lines = rows.map(({ stack, n, s, error }) => error != null
    ? [stack, String(n), `FAILED: ${error}`.slice(0, 80)]
    : [stack, String(n), `${s.found}/${s.lookups}`, f(s.p50Ms), f(s.p95Ms), f(s.meanMessages, 1), f(s.p95Messages), `${f(s.meanHops, 2)}/${f(s.maxHops)}`,
        f(s.heapPerNodeKiB.after), f(s.rssPerNodeKiB.after),
        s.provide != null ? `${f(s.provide.p50Ms)}/${f(s.provide.p95Ms)}` : '-',
        s.optimisticProvide != null ? `${f(s.optimisticProvide.p50Ms)}/${f(s.optimisticProvide.p95Ms)}` : (stack === 'js' ? 'no such option' : '-'),
        f(s.buildS, 0)])
  return [head, ...lines].map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

/** `ours=200,500/js=200` -> { ours: [200, 500], js: [200] } */
export function parseSizes (text) {
  return Object.fromEntries(text.split('/').map(part => {
    const [stack, list] = part.split('=')
    return [stack.trim(), list.split(',').map(Number)]
  }))
}

export async function runDht ({ quick = false, stacks = ['ours', 'js'], sizes, out = DHT_OUT, command, git }) {
  const plan = { ...(quick ? QUICK : FULL) }
  if (sizes != null) plan.sizes = { ours: [], js: [], ...parseSizes(sizes) }
  const runs = []
  const maxN = Math.max(...stacks.flatMap(s => plan.sizes[s] ?? []))
  for (let n = 1; n <= maxN; n++) {
    for (const stack of stacks) if (plan.sizes[stack]?.includes(n) === true) runs.push({ stack, n })
  }
  const meta = { command, date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, totalMemMiB: Math.round(os.totalmem() / MiB), git, loadavgStart: loadavg(), versions: { js: jsDhtVersions() }, plan, common: COMMON }
  log(`load average ${meta.loadavgStart.join(' ')}; runs: ${runs.map(r => `${r.stack} ${r.n}`).join(', ')}`)
  const results = []
  for (const { stack, n } of runs) {
    // generous: 1,000 nodes take minutes to build on 2 shared cores
    const stepTimeoutMs = 120_000 + n * 3000
    const hardTimeoutMs = 3 * stepTimeoutMs + (plan.lookups + 2 * plan.provides) * COMMON.queryTimeoutMs
    const params = { ...COMMON, n, lookups: plan.lookups, provides: plan.provides, stepTimeoutMs, hardTimeoutMs }
    const child = spawnChild({
      role: `${stack} dht ${n}`,
      script: CHILD,
      args: ['--stack', stack, '--params', JSON.stringify(params)],
      nodeFlags: [...nodeFlagsFor(stack), '--expose-gc', '--max-old-space-size=16384'],
      hardTimeoutMs: hardTimeoutMs + 10_000
    })
    const loadBefore = loadavg()
    const t0 = performance.now()
    const shown = new Set()
    const ticker = setInterval(() => {
      for (const m of child.messages) {
        if (m.type === 'progress' && !shown.has(m)) { shown.add(m); log(`${stack} ${n}: ${JSON.stringify(m)}`) }
      }
    }, 1000)
    try {
      const res = await child.waitFor(m => m.type === 'result', hardTimeoutMs)
      const s = summarizeDht(res)
      results.push({ stack, n, loadBefore, loadAfter: loadavg(), wallS: (performance.now() - t0) / 1000, summary: s, raw: res })
      log(`${stack} ${n}: lookups p50 ${s.p50Ms.toFixed(0)} ms p95 ${s.p95Ms.toFixed(0)} ms, ${s.meanMessages.toFixed(1)} messages, ${s.meanHops.toFixed(2)} hops, ${s.found}/${s.lookups} found`)
    } catch (err) {
      results.push({ stack, n, loadBefore, loadAfter: loadavg(), error: `${err.name}: ${err.message}`, stderrTail: err.stderr?.slice(-3000) })
      log(`${stack} ${n} FAILED: ${err.name}: ${err.message}`)
    } finally {
      clearInterval(ticker)
      await child.stop(5000)
    }
    // after every run, so a run stopped during a large N keeps the smaller ones
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify({ meta, results }, null, 2) + '\n')
  }
  meta.loadavgEnd = loadavg()
  const table = renderDhtTable(results.map(r => ({ stack: r.stack, n: r.n, s: r.summary, error: r.error })))
  writeFileSync(out, JSON.stringify({ meta, results }, null, 2) + '\n')
  console.log(`\nDHT: findPeer (useCache: false) of random nodes, ${COMMON.delayMs} ms one-way delay per chunk, memory transport + Noise + Yamux`)
  console.log(`node ${meta.node}, ${meta.cpus} cpus, git ${git ?? '?'}, load average start ${meta.loadavgStart.join(' ')}, end ${meta.loadavgEnd.join(' ')}\n`)
  console.log(table)
  console.log(`\nJSON: ${out}`)
  return results
}
