// Plumbing shared by the server and client child processes: one JSON object per stdout line,
// commands as JSON lines on stdin, and three ways to die with the parent (stdin EOF, a changed
// parent pid, a hard deadline). Nothing in a child outlives the run that started it.
import { createInterface } from 'node:readline'

export function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

export function errorInfo (err) {
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(err),
    stack: typeof err?.stack === 'string' ? err.stack : undefined,
    cause: err?.cause != null ? errorInfo(err.cause) : undefined
  }
}

/** Parses `--key value` pairs; `--params` is JSON. */
export function parseArgs (argv = process.argv.slice(2)) {
  const out = {}
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]
    if (!key.startsWith('--') || i + 1 >= argv.length) throw new TypeError(`bad argument ${key}`)
    out[key.slice(2)] = argv[i + 1]
  }
  if (out.params != null) out.params = JSON.parse(out.params)
  return out
}

/**
 * Calls onCommand(obj) for every JSON line on stdin and onEnd() when stdin ends (the parent
 * closed it or died). Exits by itself if the parent pid changes or after hardTimeoutMs.
 */
export function superviseChild ({ role, hardTimeoutMs, onCommand, onEnd }) {
  const parentPid = process.ppid
  let ending = false
  const end = (reason, code) => {
    if (ending) return
    ending = true
    const finish = () => process.exit(code)
    // give onEnd a bounded time to stop the node cleanly
    setTimeout(finish, 3000).unref()
    Promise.resolve(onEnd?.(reason)).then(finish, finish)
  }
  const rl = createInterface({ input: process.stdin })
  rl.on('line', (line) => {
    if (line.trim() === '') return
    let cmd
    try {
      cmd = JSON.parse(line)
    } catch {
      emit({ type: 'error', role, error: { name: 'BadCommand', message: line } })
      return
    }
    Promise.resolve()
      .then(() => onCommand?.(cmd))
      .catch(err => emit({ type: 'error', role, error: errorInfo(err) }))
  })
  rl.on('close', () => end('stdin closed', 0))
  const watch = setInterval(() => {
    if (process.ppid !== parentPid) end('parent died', 1)
  }, 500)
  watch.unref()
  const deadline = setTimeout(() => {
    emit({ type: 'error', role, error: { name: 'TimeoutError', message: `${role} hit its hard timeout of ${hardTimeoutMs} ms` } })
    process.exit(124)
  }, hardTimeoutMs)
  deadline.unref()
  process.on('unhandledRejection', (err) => {
    emit({ type: 'error', role, error: errorInfo(err), unhandled: true })
  })
  process.on('uncaughtException', (err) => {
    emit({ type: 'error', role, error: errorInfo(err), uncaught: true })
    process.exit(70)
  })
}

/** Full garbage collection (needs --expose-gc), then process.memoryUsage(). */
export async function measureMemory () {
  if (typeof globalThis.gc !== 'function') throw new TypeError('run with --expose-gc')
  for (let i = 0; i < 4; i++) {
    globalThis.gc()
    await new Promise(resolve => setImmediate(resolve))
  }
  const m = process.memoryUsage()
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers }
}

export function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`${what} took longer than ${ms} ms`)
      err.name = 'TimeoutError'
      reject(err)
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
