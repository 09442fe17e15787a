// Runs one protocol case: one process per role against the worker's redis-server, until the
// reporting role exits (or the case's time limit passes); then the others are stopped.
import fs from 'node:fs'
import { describeExit, lastLines, startPeer, stopPeer } from '../case.mjs'

/** the runner's wall clock allows this much past test_timeout_seconds before stopping everyone */
const WALL_GRACE_MS = 5_000

const delay = (ms) => { let t; const p = new Promise(resolve => { t = setTimeout(resolve, ms) }); p.cancel = () => clearTimeout(t); return p }

/** the first `{…}` on stdout that parses as JSON and has every one of `keys` non-null */
export function parseProtocolResult (stdout, keys) {
  for (const m of stdout.matchAll(/\{[^{}]*\}/g)) {
    let obj
    try { obj = JSON.parse(m[0]) } catch { continue }
    if (keys.every(k => obj?.[k] != null)) return obj
  }
  return null
}

/**
 * Runs `c` ({ name, type, caseType, roleImpls: { role: table entry }, impls: { role: { id, prepared } } })
 * and resolves with
 * { outcome: 'success'|'failure', error, result, ms }. Never throws.
 */
export async function runProtocolCase (c, { redis, logFile }) {
  const started = Date.now()
  const { caseType } = c
  await redis.client.command('FLUSHDB') // the worker's private server: no key of an earlier case survives
  const contract = {
    case: c.type,
    ip: '127.0.0.1',
    redis_addr: redis.addr,
    test_timeout_seconds: String(caseType.timeoutSeconds),
    ...caseType.env(c.roleImpls)
  }
  const peers = Object.fromEntries(caseType.roles.map(role =>
    [role, startPeer(c.impls[role].prepared, { ...contract, role, version: c.impls[role].id })]))
  const reporter = peers[caseType.reporter]

  const wall = delay(caseType.timeoutSeconds * 1000 + WALL_GRACE_MS)
  // a helper role that fails first ends the case at once: the reporter could only time out
  const helperFailed = Promise.race(Object.entries(peers).filter(([role]) => role !== caseType.reporter)
    .map(([role, p]) => p.exited.then((e) => e.code !== 0 && reporter.exit == null ? role : new Promise(() => {}))))
  const ended = await Promise.race([reporter.exited.then(() => 'reporter'), helperFailed, wall.then(() => 'timeout')])
  wall.cancel()
  const exitsBeforeStop = Object.fromEntries(Object.entries(peers).map(([role, p]) => [role, p.exit]))
  await Promise.all(Object.values(peers).map(stopPeer))

  const result = parseProtocolResult(reporter.stdout, caseType.resultKeys)
  const spawnFailed = Object.entries(peers).find(([, p]) => p.spawnError != null)
  let error = ''
  if (spawnFailed != null) {
    error = `could not start ${spawnFailed[0]}: ${spawnFailed[1].spawnError.message}`
  } else if (ended === 'timeout') {
    error = `timed out after ${caseType.timeoutSeconds} s`
  } else if (ended !== 'reporter') {
    error = `${ended} ended first (${describeExit(exitsBeforeStop[ended])}): ${lastLines(peers[ended].stderr)}`
  } else if (reporter.exit.code !== 0) {
    error = `${caseType.reporter} ${describeExit(reporter.exit)}: ${lastLines(reporter.stderr)}`
  } else if (result == null) {
    error = `${caseType.reporter} exited 0 without a result line with ${caseType.resultKeys.join(', ')}`
  }
  if (error !== '') {
    // a helper's own failure usually is the cause
    for (const [role, e] of Object.entries(exitsBeforeStop)) {
      if (role !== caseType.reporter && role !== ended && e != null && e.code !== 0) error += ` [${role} ${describeExit(e)}: ${lastLines(peers[role].stderr)}]`
    }
  }
  const ms = Date.now() - started
  fs.writeFileSync(logFile, [
    `# ${c.name}`,
    `# contract env: ${JSON.stringify(contract)}`,
    `# outcome: ${error === '' ? 'success' : `failure: ${error}`} (${ms} ms)`,
    ...caseType.roles.flatMap(role => [
      `## ${role} (${c.impls[role].id}): ${c.impls[role].prepared.command.join(' ')} (${describeExit(peers[role].exit)}${exitsBeforeStop[role] == null ? ', stopped by the runner' : ''})`,
      '### stdout', peers[role].stdout, '### stderr', peers[role].stderr
    ])
  ].join('\n'))
  return { outcome: error === '' ? 'success' : 'failure', error: error.replace(/\s+/g, ' ').slice(0, 600), result, ms }
}
