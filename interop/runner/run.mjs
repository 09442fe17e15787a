#!/usr/bin/env node
// The transport-interop runner: the libp2p test-plans "ping test" matrix on one machine, without
// Docker (docs/INTEROP.md). `npm run test:interop:matrix [-- options]`
//
//   --name-filter a|b      run only cases whose name contains one of these substrings
//   --name-ignore a|b      skip cases whose name contains one of these substrings
//   --impls id,id          only these implementations (default: all; env INTEROP_IMPLS)
//   --transports t,t       only these transports
//   --require id,id        a skipped implementation among these is a failure (env INTEROP_REQUIRE)
//   --timeout-seconds n    per case (default 60; also passed as test_timeout_seconds)
//   --build-timeout-seconds n   per build script (default: the table's buildTimeoutSeconds)
//   --workers n            cases run in parallel, each worker with its own redis-server (default 1)
//   --list                 print the selected cases and exit
//   --table protocols      run the protocol table instead (relay, …: protocols/run.mjs --help)
//
// Writes interop/results.csv and interop/results.md, one log per case in interop/runner/logs/.
// Exits 1 if a case failed that known-failures.json does not list.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { killAllPeers, runCase } from './case.mjs'
import { IMPLEMENTATIONS, TRANSPORTS } from './implementations.mjs'
import { prepareImplementation } from './prepare.mjs'
import { redisServerInstalled, startRedisServer } from './redis-server.mjs'
import { toCsv, toMarkdown } from './report.mjs'

const RUNNER_DIR = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(RUNNER_DIR, '..', '..')
const INTEROP_DIR = path.join(ROOT, 'interop')
const LOG_DIR = path.join(RUNNER_DIR, 'logs')

// `--table protocols` hands the other arguments to the protocol table (protocols/run.mjs)
const tableAt = process.argv.indexOf('--table')
if (tableAt !== -1) {
  const table = process.argv[tableAt + 1]
  const rest = process.argv.slice(2).filter((_, i) => i !== tableAt - 2 && i !== tableAt - 1)
  if (table === 'protocols') process.exit(await (await import('./protocols/run.mjs')).main(rest))
  if (table !== 'transports') { console.error(`interop matrix: --table transports|protocols, got '${table}'`); process.exit(1) }
  process.argv.splice(tableAt, 2)
}

const { values: opts } = parseArgs({
  options: {
    'name-filter': { type: 'string' },
    'name-ignore': { type: 'string' },
    impls: { type: 'string', default: process.env.INTEROP_IMPLS },
    transports: { type: 'string' },
    require: { type: 'string', default: process.env.INTEROP_REQUIRE },
    'timeout-seconds': { type: 'string', default: '60' },
    'build-timeout-seconds': { type: 'string' },
    workers: { type: 'string', default: '1' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (opts.help) {
  const src = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
  console.log(src.slice(1, src.findIndex(l => l.startsWith('import'))).map(l => l.replace(/^\/\/ ?/, '')).join('\n'))
  process.exit(0)
}

const list = (s) => (s ?? '').split(/[,|]/).map(x => x.trim()).filter(Boolean)
const splitBar = (s) => (s ?? '').split('|').map(x => x.trim()).filter(Boolean)
const timeoutSeconds = Number(opts['timeout-seconds'])
const workers = Math.max(1, Number(opts.workers) || 1)
const buildTimeoutSeconds = opts['build-timeout-seconds'] != null ? Number(opts['build-timeout-seconds']) : undefined
const required = new Set(list(opts.require))

function die (message) {
  console.error(`interop matrix: ${message}`)
  process.exit(1)
}
if (!(timeoutSeconds > 0)) die(`--timeout-seconds must be a positive number, got '${opts['timeout-seconds']}'`)

// ------------------------------------------------------------------ known failures

const knownFailures = JSON.parse(fs.readFileSync(path.join(RUNNER_DIR, 'known-failures.json'), 'utf8')).knownFailures
  .map(({ pattern, reason }) => {
    if (typeof pattern !== 'string' || typeof reason !== 'string' || reason === '') die(`known-failures.json: each entry needs a pattern and a reason: ${JSON.stringify({ pattern, reason })}`)
    return { re: new RegExp(pattern), pattern, reason }
  })
const knownFailureOf = (name) => knownFailures.find(k => k.re.test(name))

// ------------------------------------------------------------------ the cases

for (const impl of IMPLEMENTATIONS) {
  for (const t of impl.transports) {
    const name = typeof t === 'string' ? t : t.name
    if (TRANSPORTS[name] == null) die(`implementations.mjs: ${impl.id} lists unknown transport '${name}'`)
  }
}
const transportsOf = (impl) => impl.transports.map(t => typeof t === 'string' ? { name: t, dialOnly: false } : { dialOnly: false, ...t })

function allCases () {
  const cases = []
  for (const [transport, { standalone }] of Object.entries(TRANSPORTS)) {
    for (const d of IMPLEMENTATIONS) {
      for (const l of IMPLEMENTATIONS) {
        if (!transportsOf(d).some(t => t.name === transport)) continue
        if (!transportsOf(l).some(t => t.name === transport && !t.dialOnly)) continue
        const combos = standalone
          ? [{}]
          : d.security.filter(s => l.security.includes(s)).flatMap(security =>
            d.muxers.filter(m => l.muxers.includes(m)).map(muxer => ({ security, muxer })))
        for (const { security, muxer } of combos) {
          const label = [transport, security, muxer].filter(x => x != null).join(', ')
          cases.push({ name: `${d.id} x ${l.id} (${label})`, transport, security, muxer, dialer: d, listener: l })
        }
      }
    }
  }
  return cases
}

const implFilter = list(opts.impls)
for (const id of [...implFilter, ...required]) {
  if (!IMPLEMENTATIONS.some(i => i.id === id)) die(`unknown implementation '${id}' (known: ${IMPLEMENTATIONS.map(i => i.id).join(', ')})`)
}
const transportFilter = list(opts.transports)
const nameFilter = splitBar(opts['name-filter'])
const nameIgnore = splitBar(opts['name-ignore'])
const cases = allCases()
  .filter(c => implFilter.length === 0 || (implFilter.includes(c.dialer.id) && implFilter.includes(c.listener.id)))
  .filter(c => transportFilter.length === 0 || transportFilter.includes(c.transport))
  .filter(c => nameFilter.length === 0 || nameFilter.some(f => c.name.includes(f)))
  .filter(c => !nameIgnore.some(f => c.name.includes(f)))

if (opts.list) {
  for (const c of cases) console.log(c.name)
  console.log(`${cases.length} cases`)
  process.exit(0)
}
if (cases.length === 0) die('no case matches the filters (try --list)')
if (!redisServerInstalled()) die('redis-server is not on PATH; install it with `apt-get install -y redis-server` (Debian/Ubuntu)')

// ------------------------------------------------------------------ run

const started = Date.now()
const say = (line) => console.log(`  ${line}`)
fs.mkdirSync(LOG_DIR, { recursive: true })
for (const f of fs.readdirSync(LOG_DIR)) if (f.endsWith('.log')) fs.rmSync(path.join(LOG_DIR, f))

const usedImpls = IMPLEMENTATIONS.filter(i => cases.some(c => c.dialer === i || c.listener === i))
console.log(`interop matrix: ${cases.length} cases, implementations ${usedImpls.map(i => i.id).join(', ')}; ${workers} worker(s), ${timeoutSeconds} s per case`)

// every implementation is prepared (built) at once; cases of fast implementations run meanwhile
const preparations = new Map()
for (const impl of usedImpls) {
  const t0 = Date.now()
  preparations.set(impl.id, prepareImplementation(impl, { root: ROOT, logDir: LOG_DIR, buildTimeoutSeconds, say }).then((r) => {
    if (r.skip != null) say(`SKIP ${impl.id}: ${r.skip}`)
    else if (r.fail != null) say(`FAIL ${impl.id}: ${r.fail}`)
    r.seconds = Math.round((Date.now() - t0) / 1000)
    return r
  }))
}

const servers = []
process.on('SIGINT', () => { killAllPeers(); process.exit(130) })
process.on('SIGTERM', () => { killAllPeers(); process.exit(143) })
try {
  for (let i = 0; i < workers; i++) servers.push(await startRedisServer())
} catch (err) {
  die(err.message)
}

const order = (c) => Math.max(c.dialer.order ?? 0, c.listener.order ?? 0)
const queue = cases.map((c, i) => ({ c, i })).sort((a, b) => order(a.c) - order(b.c) || a.i - b.i).map(x => x.c)
const results = new Array(cases.length)
const slug = (s) => s.replace(/[^a-zA-Z0-9.]+/g, '-').replace(/^-|-$/g, '')
let done = 0

async function runOne (c, redis) {
  const [pd, pl] = await Promise.all([preparations.get(c.dialer.id), preparations.get(c.listener.id)])
  const base = { name: c.name, transport: c.transport, security: c.security, muxer: c.muxer, dialer: c.dialer.id, listener: c.listener.id }
  let r
  const notReady = [[c.dialer.id, pd], [c.listener.id, pl]].find(([, p]) => p.ok == null)
  if (notReady != null) {
    const [id, p] = notReady
    if (p.skip != null && !required.has(id)) r = { outcome: 'skipped', error: `${id}: ${p.skip}`, ms: 0 }
    else r = { outcome: 'failure', error: `${id}: ${p.skip ?? p.fail}`, ms: 0 }
  } else {
    const index = cases.indexOf(c) + 1
    r = await runCase({ ...base, dialer: { id: c.dialer.id, prepared: pd.ok }, listener: { id: c.listener.id, prepared: pl.ok } }, {
      redis,
      timeoutSeconds,
      logFile: path.join(LOG_DIR, `${String(index).padStart(3, '0')}-${slug(c.name)}.log`)
    })
  }
  const known = knownFailureOf(c.name)
  if (known != null) {
    if (r.outcome === 'failure') {
      r.outcome = 'known-failure'
      r.knownReason = known.reason
    } else if (r.outcome === 'success') {
      r.knownReason = known.reason // passes although listed: reported, so the entry can go
    }
  }
  results[cases.indexOf(c)] = { ...base, ...r }
  done++
  const tag = { success: 'pass', failure: 'FAIL', 'known-failure': 'known', skipped: 'skip' }[r.outcome]
  const detail = r.outcome === 'success'
    ? `handshake+RTT ${r.result.handshakePlusOneRTTMillis} ms, ping ${r.result.pingRTTMilllis} ms${known != null ? ` — PASSES but known-failures.json lists it (/${known.pattern}/)` : ''}`
    : r.outcome === 'known-failure' ? `${r.error} (known: ${known.reason})` : r.error
  console.log(`  ${tag.padEnd(5)} [${String(done).padStart(String(cases.length).length)}/${cases.length}] ${c.name}  ${(r.ms / 1000).toFixed(1)} s  ${detail}`)
}

await Promise.all(servers.map(async (redis) => {
  while (queue.length > 0) {
    await runOne(queue.shift(), redis)
  }
}))
await Promise.all(servers.map(async s => s.stop()))

// ------------------------------------------------------------------ report

const seconds = Math.round((Date.now() - started) / 1000)
const implStatus = []
for (const impl of usedImpls) {
  const p = await preparations.get(impl.id)
  implStatus.push({
    id: impl.id,
    skip: p.skip ?? p.fail,
    status: p.ok != null ? (impl.run.kind === 'build-script' ? `built/checked in ${p.seconds} s` : 'ready') : p.skip != null ? 'skipped' : 'FAILED to prepare'
  })
}
const meta = {
  date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  host: `${os.platform()} ${os.arch()}, ${os.cpus().length} cpus, Node ${process.version}, ${workers} worker(s)`,
  seconds,
  implementations: implStatus
}
fs.writeFileSync(path.join(INTEROP_DIR, 'results.csv'), toCsv(results))
fs.writeFileSync(path.join(INTEROP_DIR, 'results.md'), toMarkdown(results, meta))

const count = (o) => results.filter(r => r.outcome === o).length
const failed = count('failure')
console.log(`interop matrix: ${count('success')} pass, ${failed} fail, ${count('known-failure')} known failure, ${count('skipped')} skipped in ${seconds} s` +
  ' (interop/results.csv, interop/results.md, logs in interop/runner/logs/)')
for (const r of results.filter(r => r.outcome === 'failure')) console.log(`  FAIL ${r.name}: ${r.error}`)
process.exit(failed > 0 ? 1 : 0)
