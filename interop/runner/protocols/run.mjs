// The protocol table: relay, DHT and identify-push cases (table.mjs) across ours, js, go and rust on
// one machine, in the transport runner's style (docs/INTEROP.md, "Protocol cases").
// `npm run test:interop:matrix -- --table protocols [options]` (run.mjs hands over to this file)
//
//   --types t,t            only these case types (default: all of table.mjs)
//   --impls id,id          only cases whose every role is one of these
//   --name-filter a|b      run only cases whose name contains one of these substrings
//   --name-ignore a|b      skip cases whose name contains one of these substrings
//   --require id,id        a skipped implementation among these is a failure (env INTEROP_REQUIRE)
//   --build-timeout-seconds n   per build script (default: the table's buildTimeoutSeconds)
//   --workers n            cases run in parallel, each worker with its own redis-server (default 1)
//   --list                 print the selected cases and exit
//
// Writes interop/protocol-results.csv and interop/protocol-results.md, one log per case in
// interop/runner/logs/protocols/. Exits 1 if a case failed that protocols/known-failures.json
// does not list.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { killAllPeers } from '../case.mjs'
import { prepareImplementation } from '../prepare.mjs'
import { redisServerInstalled, startRedisServer } from '../redis-server.mjs'
import { runProtocolCase } from './case.mjs'
import { toCsv, toProtocolMarkdown } from './report.mjs'
import { CASE_TYPES, PROTOCOL_IMPLEMENTATIONS } from './table.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..', '..', '..')
const INTEROP_DIR = path.join(ROOT, 'interop')
const LOG_DIR = path.join(HERE, '..', 'logs', 'protocols')
const OURS = 'ours'

const list = (s) => (s ?? '').split(/[,|]/).map(x => x.trim()).filter(Boolean)
const splitBar = (s) => (s ?? '').split('|').map(x => x.trim()).filter(Boolean)

/** every assignment of implementations (with a program for `type`) to its roles, ours in one at least */
export function casesOf (type) {
  const ct = CASE_TYPES[type]
  const able = PROTOCOL_IMPLEMENTATIONS.filter(i => i.programs[type] != null)
  let assignments = [{}]
  for (const role of ct.roles) assignments = assignments.flatMap(a => able.map(i => ({ ...a, [role]: i })))
  return assignments
    .filter(a => Object.values(a).some(i => i.id === OURS))
    .map(a => ({
      name: `${type}: ${ct.roles.map(role => `${role} ${a[role].id}`).join(', ')}`,
      type,
      caseType: ct,
      roleImpls: a
    }))
}

function usage () {
  const src = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
  return src.slice(0, src.findIndex(l => l.startsWith('import'))).map(l => l.replace(/^\/\/ ?/, '')).join('\n')
}

/** runs the table with the command-line arguments `args`; resolves with the exit code */
export async function main (args) {
  const { values: opts } = parseArgs({
    args,
    options: {
      types: { type: 'string' },
      impls: { type: 'string', default: process.env.INTEROP_IMPLS },
      'name-filter': { type: 'string' },
      'name-ignore': { type: 'string' },
      require: { type: 'string', default: process.env.INTEROP_REQUIRE },
      'build-timeout-seconds': { type: 'string' },
      workers: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (opts.help) { console.log(usage()); return 0 }
  const die = (message) => { console.error(`interop protocols: ${message}`); return 1 }

  const types = list(opts.types)
  for (const t of types) if (CASE_TYPES[t] == null) return die(`unknown case type '${t}' (known: ${Object.keys(CASE_TYPES).join(', ')})`)
  const implFilter = list(opts.impls)
  const required = new Set(list(opts.require))
  for (const id of [...implFilter, ...required]) {
    if (!PROTOCOL_IMPLEMENTATIONS.some(i => i.id === id)) return die(`unknown implementation '${id}' (known: ${PROTOCOL_IMPLEMENTATIONS.map(i => i.id).join(', ')})`)
  }
  const nameFilter = splitBar(opts['name-filter'])
  const nameIgnore = splitBar(opts['name-ignore'])
  const workers = Math.max(1, Number(opts.workers) || 1)
  const buildTimeoutSeconds = opts['build-timeout-seconds'] != null ? Number(opts['build-timeout-seconds']) : undefined

  const cases = Object.keys(CASE_TYPES)
    .filter(t => types.length === 0 || types.includes(t))
    .flatMap(casesOf)
    .filter(c => implFilter.length === 0 || Object.values(c.roleImpls).every(i => implFilter.includes(i.id)))
    .filter(c => nameFilter.length === 0 || nameFilter.some(f => c.name.includes(f)))
    .filter(c => !nameIgnore.some(f => c.name.includes(f)))
  if (opts.list) {
    for (const c of cases) console.log(c.name)
    console.log(`${cases.length} cases`)
    return 0
  }
  if (cases.length === 0) return die('no case matches the filters (try --list)')
  if (!redisServerInstalled()) return die('redis-server is not on PATH; install it with `apt-get install -y redis-server` (Debian/Ubuntu)')

  const knownFailures = JSON.parse(fs.readFileSync(path.join(HERE, 'known-failures.json'), 'utf8')).knownFailures
  for (const k of knownFailures) {
    if (typeof k.pattern !== 'string' || typeof k.reason !== 'string' || k.reason === '') return die(`known-failures.json: each entry needs a pattern and a reason: ${JSON.stringify(k)}`)
    k.re = new RegExp(k.pattern)
  }

  const started = Date.now()
  const say = (line) => console.log(`  ${line}`)
  fs.mkdirSync(LOG_DIR, { recursive: true })
  for (const f of fs.readdirSync(LOG_DIR)) if (f.endsWith('.log')) fs.rmSync(path.join(LOG_DIR, f))
  console.log(`interop protocols: ${cases.length} cases; ${workers} worker(s)`)

  // each (implementation, case type) program is prepared once, all at once
  const preparations = new Map()
  const keyOf = (impl, type) => `${impl.id} ${type}`
  for (const c of cases) {
    for (const impl of Object.values(c.roleImpls)) {
      const key = keyOf(impl, c.type)
      if (preparations.has(key)) continue
      const t0 = Date.now()
      const program = impl.programs[c.type]
      const entry = { id: `${impl.id}-${c.type}`, run: program, env: program.env }
      preparations.set(key, prepareImplementation(entry, { root: ROOT, logDir: LOG_DIR, buildTimeoutSeconds, say }).then((r) => {
        if (r.ok != null && program.driver != null) {
          // the built peer speaks a command protocol: the driver runs the role and starts it
          const driver = path.join(ROOT, program.driver)
          r.ok = { command: [process.execPath, driver], cwd: path.dirname(driver), env: { ...r.ok.env, peer_bin: r.ok.command[0] } }
        }
        if (r.skip != null) say(`SKIP ${key}: ${r.skip}`)
        else if (r.fail != null) say(`FAIL ${key}: ${r.fail}`)
        r.seconds = Math.round((Date.now() - t0) / 1000)
        return r
      }))
    }
  }

  const servers = []
  process.on('SIGINT', () => { killAllPeers(); process.exit(130) })
  process.on('SIGTERM', () => { killAllPeers(); process.exit(143) })
  try {
    for (let i = 0; i < workers; i++) servers.push(await startRedisServer())
  } catch (err) {
    return die(err.message)
  }

  const results = new Array(cases.length)
  const queue = cases.map((c, i) => ({ c, i }))
  const slug = (s) => s.replace(/[^a-zA-Z0-9.]+/g, '-').replace(/^-|-$/g, '')
  let done = 0
  async function runOne ({ c, i }, redis) {
    const base = { name: c.name, type: c.type, impls: Object.fromEntries(Object.entries(c.roleImpls).map(([role, impl]) => [role, impl.id])) }
    const prepared = {}
    let r
    for (const [role, impl] of Object.entries(c.roleImpls)) {
      const p = await preparations.get(keyOf(impl, c.type))
      if (p.ok != null) { prepared[role] = { id: impl.id, prepared: p.ok }; continue }
      if (p.skip != null && !required.has(impl.id)) r ??= { outcome: 'skipped', error: `${impl.id}: ${p.skip}`, ms: 0 }
      else r ??= { outcome: 'failure', error: `${impl.id}: ${p.skip ?? p.fail}`, ms: 0 }
    }
    r ??= await runProtocolCase({ ...c, impls: prepared }, { redis, logFile: path.join(LOG_DIR, `${String(i + 1).padStart(3, '0')}-${slug(c.name)}.log`) })
    const known = knownFailures.find(k => k.re.test(c.name))
    if (known != null && r.outcome !== 'skipped') {
      if (r.outcome === 'failure') r.outcome = 'known-failure'
      r.knownReason = known.reason // on a pass: reported, so the entry can go
    }
    results[i] = { ...base, ...r }
    done++
    const tag = { success: 'pass', failure: 'FAIL', 'known-failure': 'known', skipped: 'skip' }[r.outcome]
    const detail = r.outcome === 'success'
      ? `${JSON.stringify(r.result)}${known != null ? ` — PASSES but known-failures.json lists it (/${known.pattern}/)` : ''}`
      : r.outcome === 'known-failure' ? `${r.error} (known: ${known.reason})` : r.error
    console.log(`  ${tag.padEnd(5)} [${String(done).padStart(String(cases.length).length)}/${cases.length}] ${c.name}  ${(r.ms / 1000).toFixed(1)} s  ${detail}`)
  }
  await Promise.all(servers.map(async (redis) => {
    while (queue.length > 0) await runOne(queue.shift(), redis)
  }))
  await Promise.all(servers.map(async s => s.stop()))

  const seconds = Math.round((Date.now() - started) / 1000)
  const preparationStatus = []
  for (const [key, promise] of preparations) {
    const p = await promise
    const [id, type] = key.split(' ')
    const impl = PROTOCOL_IMPLEMENTATIONS.find(i => i.id === id)
    preparationStatus.push({
      id,
      type,
      skip: p.skip ?? p.fail,
      status: p.ok != null ? (impl.programs[type].kind === 'build-script' ? `built/checked in ${p.seconds} s` : 'ready') : p.skip != null ? 'skipped' : 'FAILED to prepare'
    })
  }
  const meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    host: `${os.platform()} ${os.arch()}, ${os.cpus().length} cpus, load ${os.loadavg()[0].toFixed(1)}, Node ${process.version}, ${workers} worker(s)`,
    seconds,
    ids: PROTOCOL_IMPLEMENTATIONS.map(i => i.id),
    preparations: preparationStatus
  }
  fs.writeFileSync(path.join(INTEROP_DIR, 'protocol-results.csv'), toCsv(results))
  fs.writeFileSync(path.join(INTEROP_DIR, 'protocol-results.md'), toProtocolMarkdown(results, CASE_TYPES, meta))
  const count = (o) => results.filter(r => r.outcome === o).length
  console.log(`interop protocols: ${count('success')} pass, ${count('failure')} fail, ${count('known-failure')} known failure, ${count('skipped')} skipped in ${seconds} s` +
    ' (interop/protocol-results.csv, interop/protocol-results.md, logs in interop/runner/logs/protocols/)')
  for (const r of results.filter(r => r.outcome === 'failure')) console.log(`  FAIL ${r.name}: ${r.error}`)
  return count('failure') > 0 ? 1 : 0
}
