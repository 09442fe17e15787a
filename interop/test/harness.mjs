// Spawns and drives interop/js-peer/peer.mjs (js-libp2p 3.x on Node 24) from a test.
//
//   const a = await spawnJsPeer({ name: 'A' })          // waits for its "ready" line
//   const { rtt } = await b.send('ping', { target: a.multiaddrs[0] })
//   const evt = await a.waitEvent(e => e.event === 'stream' && e.protocol === '/echo/1.0.0')
//   await a.stop()                                       // or stopAllJsPeers() in an after hook
//
// Every wait has a timeout. Peers are killed by PID only (the child this module spawned), and any
// still alive when the test process exits are SIGKILLed.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const INTEROP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const ROOT_DIR = path.resolve(INTEROP_DIR, '..')
export const JS_PEER_DIR = path.join(INTEROP_DIR, 'js-peer')
export const NODE24_DIR = path.join(ROOT_DIR, 'tools', 'node24')
export const NODE24 = path.join(NODE24_DIR, 'node_modules', '.bin', 'node')

const READY_TIMEOUT_MS = 30_000
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000
/** the peer enforces timeoutMs itself; the harness waits this much longer before giving up */
const HARNESS_GRACE_MS = 5_000
const STOP_TIMEOUT_MS = 5_000
const INSTALL_TIMEOUT_MS = 180_000
const STDERR_TAIL_BYTES = 16 * 1024

export class JsPeerError extends Error {
  static name = 'JsPeerError'
  name = 'JsPeerError'
}

/** The error a command answered with ({ ok: false }): `remoteName` is the error's name in the peer */
export class JsPeerCommandError extends Error {
  static name = 'JsPeerCommandError'
  name = 'JsPeerCommandError'
  constructor (cmd, error) {
    super(`${cmd}: ${error?.name}: ${error?.message}`)
    this.remoteName = error?.name
    this.remoteMessage = error?.message
  }
}

const live = new Set()

process.on('exit', () => {
  for (const peer of live) {
    try { process.kill(peer.pid, 'SIGKILL') } catch {}
  }
})

function run (cmd, args, opts) {
  const started = Date.now()
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS, ...opts })
  if (r.status !== 0) {
    throw new JsPeerError(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${(r.stderr ?? '').slice(-4000)}`)
  }
  return Date.now() - started
}

let ensured
/**
 * Makes sure Node 24 (tools/node24) and the js peer's dependencies (interop/js-peer) are installed,
 * running `npm ci` for whichever is missing. Returns what it did.
 */
export function ensureJsPeer () {
  if (ensured != null) return ensured
  const did = []
  if (!fs.existsSync(NODE24)) {
    const ms = run('npm', ['ci', '--prefix', NODE24_DIR, '--no-audit', '--no-fund'], { cwd: ROOT_DIR })
    did.push(`npm ci --prefix tools/node24 (${ms} ms)`)
  }
  if (!fs.existsSync(path.join(JS_PEER_DIR, 'node_modules', 'libp2p', 'package.json'))) {
    const ms = run('npm', ['ci', '--prefix', JS_PEER_DIR, '--no-audit', '--no-fund'], { cwd: ROOT_DIR })
    did.push(`npm ci --prefix interop/js-peer (${ms} ms)`)
  }
  const v = spawnSync(NODE24, ['--version'], { encoding: 'utf8', timeout: 10_000 })
  if (v.status !== 0 || !v.stdout.startsWith('v24.')) {
    throw new JsPeerError(`${NODE24} --version printed '${v.stdout?.trim()}' (exit ${v.status}), expected v24.x`)
  }
  ensured = { node: v.stdout.trim(), did }
  if (did.length > 0) console.log(`      interop harness: ${did.join('; ')}`)
  return ensured
}

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new JsPeerError(`timed out after ${ms} ms: ${what}`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/**
 * Starts a js peer and waits for its "ready" line.
 *
 * @param {object} [opts]
 * @param {string} [opts.name] label used in errors and logs
 * @param {string[]} [opts.listen] multiaddrs to listen on (default /ip4/127.0.0.1/tcp/0)
 * @param {string} [opts.agent] identify agent version to announce
 * @param {number} [opts.pushDebounceMs] identify-push debounce (default 100 ms in the peer)
 * @param {Record<string,string>} [opts.env] extra environment (e.g. { DEBUG: 'libp2p:*' })
 * @param {boolean} [opts.verbose] copy the peer's stderr to ours (also INTEROP_VERBOSE=1)
 */
export async function spawnJsPeer (opts = {}) {
  ensureJsPeer()
  const name = opts.name ?? 'js-peer'
  const args = [path.join(JS_PEER_DIR, 'peer.mjs')]
  for (const ma of opts.listen ?? ['/ip4/127.0.0.1/tcp/0']) args.push('--listen', ma)
  if (opts.agent != null) args.push('--agent', opts.agent)
  if (opts.pushDebounceMs != null) args.push('--push-debounce-ms', String(opts.pushDebounceMs))
  return spawnLinePeer(name, NODE24, args, { ...opts, cwd: JS_PEER_DIR })
}

/**
 * Starts any program that speaks the js peer's JSON-line protocol (a ready line, then answers to
 * {id, cmd, …} requests on stdin; e.g. the go and rust DHT peers) and waits for its ready line.
 * Same handle as spawnJsPeer, stopped by stopAllJsPeers too.
 */
export async function spawnLinePeer (name, command, args, opts = {}) {
  const verbose = opts.verbose ?? process.env.INTEROP_VERBOSE != null
  // NODE_OPTIONS of the test process (loaders, coverage hooks, flags for Node 20) is not meant for
  // the peer's Node 24: drop it unless the caller sets one for the peer
  const inherited = { ...process.env }
  delete inherited.NODE_OPTIONS
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...inherited, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const peer = new JsPeer(name, child, verbose)
  live.add(peer)
  try {
    await peer.ready(opts.readyTimeoutMs ?? READY_TIMEOUT_MS)
  } catch (err) {
    await peer.stop()
    throw err
  }
  return peer
}

/** Stops every js peer still running (for after/afterEach hooks) */
export async function stopAllJsPeers () {
  await Promise.all([...live].map(async p => p.stop()))
}

class JsPeer {
  constructor (name, child, verbose) {
    this.name = name
    this.child = child
    this.pid = child.pid
    this.events = []
    this.nextId = 1
    this.pending = new Map()
    this.eventWaiters = new Set()
    this.stderrTail = ''
    this.exit = null
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal }
        live.delete(this)
        const err = new JsPeerError(`${this.name} (pid ${this.pid}) exited (${signal ?? `code ${code}`})${this.stderrSummary()}`)
        for (const { reject } of this.pending.values()) reject(err)
        this.pending.clear()
        for (const w of this.eventWaiters) w.fail(err)
        resolve(this.exit)
      })
    })
    child.on('error', (err) => {
      this.spawnError = err
    })
    child.stdin.on('error', () => {}) // EPIPE after the peer exited: reported through 'exit'
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES)
      if (verbose) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${this.name}] `))
    })
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => this.onLine(line))
  }

  stderrSummary () {
    const tail = this.stderrTail.trim()
    return tail === '' ? '' : `\n--- ${this.name} stderr (tail) ---\n${tail.slice(-4000)}`
  }

  onLine (line) {
    let msg
    try {
      msg = JSON.parse(line)
    } catch {
      this.stderrTail += `\n[non-JSON stdout] ${line}`
      return
    }
    if (msg.id != null && this.pending.has(msg.id)) {
      const { resolve, reject, cmd } = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      if (msg.ok === true) resolve(msg.result)
      else reject(new JsPeerCommandError(`${this.name} ${cmd}`, msg.error))
      return
    }
    if (msg.event != null) {
      this.events.push(msg)
      for (const w of this.eventWaiters) w.check(msg)
    }
  }

  async ready (timeoutMs) {
    const evt = await this.waitEvent(e => e.event === 'ready', { timeoutMs, what: 'the ready line' })
    this.peerId = evt.peerId
    this.multiaddrs = evt.multiaddrs
    this.protocols = evt.protocols
    this.agentVersion = evt.agentVersion
    return evt
  }

  /**
   * Sends a command and resolves with its result; rejects with JsPeerCommandError if the peer
   * answered { ok: false }, or JsPeerError on timeout / exit.
   */
  send (cmd, args = {}, { timeoutMs = args.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS } = {}) {
    if (this.exit != null) return Promise.reject(new JsPeerError(`${this.name} already exited${this.stderrSummary()}`))
    const id = this.nextId++
    const p = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cmd })
      this.child.stdin.write(JSON.stringify({ ...args, id, cmd, timeoutMs }) + '\n')
    })
    return withTimeout(p, timeoutMs + HARNESS_GRACE_MS, `${this.name} ${cmd} ${JSON.stringify(args).slice(0, 200)}${this.stderrSummary()}`)
      .finally(() => this.pending.delete(id))
  }

  /**
   * Resolves with the first event (already received, or arriving within timeoutMs) matching
   * predicate. `from` skips events received before that index (see eventCount()).
   */
  waitEvent (predicate, { timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, from = 0, what = 'an event' } = {}) {
    const seen = this.events.slice(from).find(predicate)
    if (seen != null) return Promise.resolve(seen)
    if (this.exit != null) return Promise.reject(new JsPeerError(`${this.name} exited before ${what}${this.stderrSummary()}`))
    let waiter
    const p = new Promise((resolve, reject) => {
      waiter = {
        check: (e) => { if (predicate(e)) resolve(e) },
        fail: reject
      }
      this.eventWaiters.add(waiter)
    })
    return withTimeout(p, timeoutMs, `${this.name} waiting for ${what}${this.stderrSummary()}`)
      .finally(() => this.eventWaiters.delete(waiter))
  }

  /** the number of events received so far (a `from` for waitEvent) */
  eventCount () {
    return this.events.length
  }

  /** Asks the peer to stop, then SIGTERM, then SIGKILL (by PID); resolves once it has exited. */
  async stop () {
    if (this.exit != null || this.spawnError != null) return this.exit
    try {
      await this.send('stop', {}, { timeoutMs: STOP_TIMEOUT_MS })
    } catch {}
    for (const signal of ['SIGTERM', 'SIGKILL']) {
      try {
        await withTimeout(this.exited, STOP_TIMEOUT_MS, `${this.name} exit`)
        break
      } catch {
        try { process.kill(this.pid, signal) } catch {}
      }
    }
    await withTimeout(this.exited, STOP_TIMEOUT_MS, `${this.name} exit after SIGKILL`)
    return this.exit
  }
}
