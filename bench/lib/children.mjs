// Parent side of the child processes: spawn, read their JSON lines, wait for a message with a
// deadline, stop them (stdin EOF, then SIGKILL by pid after a grace period). Every child this
// module started is killed by pid when the parent exits or is interrupted.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

const live = new Map() // pid -> ChildProcess

function killAllSync () {
  for (const [pid, child] of live) {
    try { child.kill('SIGKILL') } catch {}
    live.delete(pid)
  }
}
process.on('exit', killAllSync)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAllSync()
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1))
  })
}

export class ChildError extends Error {
  static name = 'ChildError'
  name = 'ChildError'
  constructor (message, { remote, stderr } = {}) {
    super(message)
    this.remote = remote
    this.stderr = stderr
  }
}

const STDERR_TAIL_BYTES = 8192

/**
 * Spawn `node [nodeFlags] script args` with pipes on all three fds. hardTimeoutMs kills it by pid
 * whatever happens.
 */
export function spawnChild ({ role, script, args, nodeFlags = [], hardTimeoutMs }) {
  const child = spawn(process.execPath, [...nodeFlags, script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  live.set(child.pid, child)
  const messages = []
  const waiters = new Set()
  let stderr = ''
  let exit = null

  const killTimer = setTimeout(() => {
    stderr += `\n[bench] ${role} pid ${child.pid} killed after its hard timeout of ${hardTimeoutMs} ms\n`
    child.kill('SIGKILL')
  }, hardTimeoutMs)

  const consumed = new WeakSet()
  const check = (waiter) => {
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]
      if (consumed.has(m)) continue
      if (m.type === 'error' && !waiter.allowErrors) {
        waiter.finish(new ChildError(`${role}: ${m.error?.name}: ${m.error?.message}`, { remote: m.error, stderr }))
        return
      }
      if (waiter.predicate(m)) {
        consumed.add(m)
        waiter.finish(null, m)
        return
      }
    }
    if (exit != null) {
      waiter.finish(new ChildError(`${role} exited (code ${exit.code}, signal ${exit.signal}) before the expected message`, { stderr }))
    }
  }

  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg
    try {
      msg = JSON.parse(line)
    } catch {
      stderr = (stderr + `[stdout] ${line}\n`).slice(-STDERR_TAIL_BYTES)
      return
    }
    messages.push(msg)
    for (const w of waiters) check(w)
  })
  child.stderr.on('data', (d) => { stderr = (stderr + d.toString()).slice(-STDERR_TAIL_BYTES) })
  child.stdin.on('error', () => {}) // the child may be gone already
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer)
      live.delete(child.pid)
      exit = { code, signal }
      // let the stdout reader deliver the last lines first
      setImmediate(() => {
        for (const w of waiters) check(w)
        resolve(exit)
      })
    })
  })

  return {
    role,
    pid: child.pid,
    messages,
    exited,
    get stderr () { return stderr },
    send (obj) {
      if (child.stdin.writable) child.stdin.write(JSON.stringify(obj) + '\n')
    },
    /** the first message matching predicate that no earlier wait returned; rejects on an error message */
    waitFor (predicate, timeoutMs, { allowErrors = false } = {}) {
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          allowErrors,
          finish: (err, msg) => {
            clearTimeout(waiter.timer)
            waiters.delete(waiter)
            if (err != null) reject(err)
            else resolve(msg)
          }
        }
        waiter.timer = setTimeout(() => {
          waiter.finish(new ChildError(`${role}: no matching message within ${timeoutMs} ms`, { stderr }))
        }, timeoutMs)
        waiters.add(waiter)
        check(waiter)
      })
    },
    /** close stdin (the child stops by itself), SIGKILL by pid if it is still there after graceMs */
    async stop (graceMs = 5000) {
      if (exit != null) return exit
      child.stdin.end()
      const timer = setTimeout(() => { child.kill('SIGKILL') }, graceMs)
      const result = await exited
      clearTimeout(timer)
      return result
    }
  }
}
