// Runs one transport-interop case: listener and dialer processes against the runner's redis-server.
import { spawn } from 'node:child_process'
import fs from 'node:fs'

const OUTPUT_CAP_BYTES = 256 * 1024
/** after the listener exits on its own, the dialer gets this long to finish before it is killed */
const LISTENER_GONE_GRACE_MS = 3_000
/** the runner's wall clock allows this much past test_timeout_seconds before killing both */
const WALL_GRACE_MS = 5_000
const KILL_GRACE_MS = 3_000

/** after a peer exits, its output pipes get this long to drain (a child it left may hold them) */
const OUTPUT_DRAIN_MS = 1_000

// Each peer runs in a process group of its own (detached), led by the process the runner spawned:
// signals go to that group (-pid), so a wrapper script's children stop with it.
const live = new Set()

function signalPeer (child, signal) {
  if (child.pid == null) return // never started
  try {
    process.kill(-child.pid, signal)
  } catch {
    // no such group (yet): the leader alone, unless it is gone (its pid may be reused)
    if (child.exitCode == null && child.signalCode == null) {
      try { process.kill(child.pid, signal) } catch {}
    }
  }
}

/** Kills every peer process group the runner started and that is still running */
export function killAllPeers () {
  for (const child of live) signalPeer(child, 'SIGKILL')
}
process.on('exit', killAllPeers)

export function startPeer (prepared, env) {
  const [file, ...args] = prepared.command
  const inherited = { ...process.env }
  delete inherited.NODE_OPTIONS // the runner's Node flags are not meant for the peers
  const child = spawn(file, args, {
    cwd: prepared.cwd,
    env: { ...inherited, ...prepared.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  live.add(child)
  const peer = { child, stdout: '', stderr: '', exit: null, spawnError: null }
  child.stdout.setEncoding('utf8').on('data', (d) => { peer.stdout = (peer.stdout + d).slice(-OUTPUT_CAP_BYTES) })
  child.stderr.setEncoding('utf8').on('data', (d) => { peer.stderr = (peer.stderr + d).slice(-OUTPUT_CAP_BYTES) })
  child.on('error', (err) => { peer.spawnError = err })
  const closed = new Promise((resolve) => child.on('close', resolve))
  peer.exited = new Promise((resolve) => {
    const done = (code, signal) => {
      if (peer.exit != null) return
      peer.exit = { code, signal }
      // the group may outlive its leader: a straggler keeping our pipes open is killed
      const drain = delay(OUTPUT_DRAIN_MS)
      void Promise.race([closed, drain]).then(() => {
        drain.cancel()
        signalPeer(child, 'SIGKILL')
        live.delete(child)
        child.stdout.destroy()
        child.stderr.destroy()
        resolve(peer.exit)
      })
    }
    child.on('exit', done)
    child.on('error', () => done(null, 'spawn error'))
  })
  return peer
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process has exited */
export async function stopPeer (peer) {
  if (peer.exit != null) return peer.exited
  signalPeer(peer.child, 'SIGTERM')
  let timer
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => {
      signalPeer(peer.child, 'SIGKILL')
      resolve()
    }, KILL_GRACE_MS)
  })
  await Promise.race([peer.exited, killed])
  clearTimeout(timer)
  return peer.exited
}

const delay = (ms) => { let t; const p = new Promise(resolve => { t = setTimeout(resolve, ms) }); p.cancel = () => clearTimeout(t); return p }

/** The test-plans rule: the first `{…}` on stdout that parses as JSON with both keys non-null */
export function parseResult (stdout) {
  for (const m of stdout.matchAll(/\{[^{}]*\}/g)) {
    let obj
    try { obj = JSON.parse(m[0]) } catch { continue }
    if (obj?.handshakePlusOneRTTMillis != null && obj?.pingRTTMilllis != null) return obj
  }
  return null
}

export const describeExit = (e) => e == null ? 'still running' : e.signal != null ? `killed by ${e.signal}` : `exit ${e.code}`

export function lastLines (text, n = 3) {
  return text.trim().split('\n').filter(Boolean).slice(-n).join(' | ')
}

/**
 * Runs `testCase` ({ name, transport, security, muxer, dialer, listener }, where dialer/listener
 * carry `prepared`: { command, cwd, env }) and resolves with
 * { outcome: 'success'|'failure', error, result, ms }. Never throws.
 */
export async function runCase (testCase, { redis, timeoutSeconds, logFile }) {
  const started = Date.now()
  await redis.client.command('DEL', 'listenerAddr')
  const contract = {
    transport: testCase.transport,
    ip: '127.0.0.1',
    redis_addr: redis.addr,
    test_timeout_seconds: String(timeoutSeconds)
  }
  if (testCase.security != null) contract.security = testCase.security
  if (testCase.muxer != null) contract.muxer = testCase.muxer
  const listener = startPeer(testCase.listener.prepared, { ...contract, is_dialer: 'false', version: testCase.listener.id })
  const dialer = startPeer(testCase.dialer.prepared, { ...contract, is_dialer: 'true', version: testCase.dialer.id })

  const wall = delay(timeoutSeconds * 1000 + WALL_GRACE_MS)
  let listenerGone
  let settled = false
  const ended = await Promise.race([
    dialer.exited.then(() => 'dialer'),
    listener.exited.then(async () => {
      if (settled) return 'listener'
      listenerGone = delay(LISTENER_GONE_GRACE_MS)
      await Promise.race([listenerGone, dialer.exited])
      return dialer.exit != null ? 'dialer' : 'listener'
    }),
    wall.then(() => 'timeout')
  ])
  settled = true
  wall.cancel()
  listenerGone?.cancel()
  const listenerExitBeforeStop = listener.exit
  const dialerExitBeforeStop = dialer.exit
  await Promise.all([stopPeer(dialer), stopPeer(listener)])

  const result = parseResult(dialer.stdout)
  let error = ''
  if (dialer.spawnError != null || listener.spawnError != null) {
    error = `could not start ${dialer.spawnError != null ? 'dialer' : 'listener'}: ${(dialer.spawnError ?? listener.spawnError).message}`
  } else if (ended === 'timeout') {
    error = `timed out after ${timeoutSeconds} s`
  } else if (ended === 'listener' && dialerExitBeforeStop == null) {
    error = `listener ended first (${describeExit(listenerExitBeforeStop)}): ${lastLines(listener.stderr)}`
  } else if (dialer.exit.code !== 0) {
    error = `dialer ${describeExit(dialer.exit)}: ${lastLines(dialer.stderr)}`
  } else if (result == null) {
    error = 'dialer exited 0 without a {handshakePlusOneRTTMillis, pingRTTMilllis} result on stdout'
  }
  if (error !== '' && ended !== 'listener' && listenerExitBeforeStop != null && listenerExitBeforeStop.code !== 0) {
    error += ` [listener ${describeExit(listenerExitBeforeStop)}: ${lastLines(listener.stderr)}]`
  }
  const ms = Date.now() - started
  if (logFile != null) {
    fs.writeFileSync(logFile, [
      `# ${testCase.name}`,
      `# contract env: ${JSON.stringify(contract)}`,
      `# outcome: ${error === '' ? 'success' : `failure: ${error}`} (${ms} ms)`,
      `## dialer: ${testCase.dialer.prepared.command.join(' ')} (${describeExit(dialer.exit)})`,
      '### stdout', dialer.stdout, '### stderr', dialer.stderr,
      `## listener: ${testCase.listener.prepared.command.join(' ')} (${describeExit(listener.exit)}${listenerExitBeforeStop == null ? ', stopped by the runner' : ''})`,
      '### stdout', listener.stdout, '### stderr', listener.stderr
    ].join('\n'))
  }
  return { outcome: error === '' ? 'success' : 'failure', error: error.replace(/\s+/g, ' ').slice(0, 600), result, ms }
}
