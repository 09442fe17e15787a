// Turns an implementation's `run` entry (implementations.mjs) into a command to spawn, building it
// first if needed. Each kind resolves to one of
//   { ok: { command: [file, ...args], cwd, env } }
//   { skip: 'toolchain not present …' | 'not built: …' }     (the implementation's cases are skipped:
//                                                             no toolchain, no build script, or a build
//                                                             over its time budget)
//   { fail: '…' }                                             (its cases fail with this reason)
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ensureJsPeer, NODE24 } from '../test/harness.mjs'

const TAIL_LINES = 15

function onPath (command) {
  return spawnSync('sh', ['-c', `command -v "${command}"`], { stdio: 'ignore', timeout: 10_000 }).status === 0
}

function isExecutableFile (file) {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** a path relative to the repository when inside it, else absolute */
function display (root, file) {
  const rel = path.relative(root, file)
  return rel.startsWith('..') ? file : rel
}

function tail (text, lines = TAIL_LINES) {
  return text.trim().split('\n').slice(-lines).join('\n')
}

const KINDS = {
  async node (impl, { root }) {
    const script = path.join(root, impl.run.script)
    if (!fs.existsSync(script)) return { fail: `${impl.run.script} not found` }
    return { ok: { command: [process.execPath, script], cwd: path.dirname(script) } }
  },

  async node24 (impl, { root }) {
    const script = path.join(root, impl.run.script)
    if (!fs.existsSync(script)) return { fail: `${impl.run.script} not found` }
    if (impl.run.setup === 'js-peer') {
      try {
        ensureJsPeer() // npm ci of tools/node24 and interop/js-peer when missing
      } catch (err) {
        return { fail: `js peer setup failed: ${err.message}` }
      }
    }
    if (!fs.existsSync(NODE24)) return { fail: `${path.relative(root, NODE24)} missing (npm ci --prefix tools/node24)` }
    return { ok: { command: [NODE24, script], cwd: path.dirname(script) } }
  },

  async 'build-script' (impl, { root, logDir, buildTimeoutSeconds, say }) {
    const { run } = impl
    const given = run.binEnv != null ? process.env[run.binEnv] : undefined
    if (given != null && given !== '') {
      if (!isExecutableFile(given)) return { fail: `${run.binEnv}=${given} is not an executable file` }
      say(`${impl.id}: using ${given} (${run.binEnv})`)
      return { ok: { command: [path.resolve(given)], cwd: path.dirname(path.resolve(given)) } }
    }
    const script = path.join(root, run.script)
    if (!fs.existsSync(script)) return { skip: `not built: ${run.script} does not exist` }
    // a missing toolchain makes the implementation skipped, never failed; the script still runs,
    // as it may know where else to find its toolchain (e.g. ~/.cargo/bin)
    const missingTool = (run.toolchain ?? []).find(t => !onPath(t))

    const timeoutS = buildTimeoutSeconds ?? run.buildTimeoutSeconds ?? 900
    const logFile = path.join(logDir, `build-${impl.id}.log`)
    const logStream = fs.createWriteStream(logFile)
    say(`${impl.id}: bash ${run.script} (log: ${display(root, logFile)}, limit ${timeoutS} s)`)
    const started = Date.now()
    // its own process group, so a timeout stops the compiler it started too
    const child = spawn('bash', [script, ...(run.args ?? [])], { cwd: path.dirname(script), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; logStream.write(d) })
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-64 * 1024); logStream.write(d) })
    let timedOut = false
    const killGroup = (signal) => { try { process.kill(-child.pid, signal) } catch {} }
    const timer = setTimeout(() => {
      timedOut = true
      killGroup('SIGTERM')
      setTimeout(() => killGroup('SIGKILL'), 5_000).unref()
    }, timeoutS * 1000)
    const onExit = () => killGroup('SIGKILL')
    process.once('exit', onExit)
    const { code, signal } = await new Promise((resolve) => {
      child.on('error', (err) => resolve({ code: null, signal: err.message }))
      child.on('close', (code, signal) => resolve({ code, signal }))
    })
    clearTimeout(timer)
    process.removeListener('exit', onExit)
    logStream.end()
    const seconds = Math.round((Date.now() - started) / 1000)
    const toolNote = missingTool != null ? `toolchain not present (${missingTool} not on PATH)` : undefined
    // slowness is not a regression: a build over its budget skips the implementation (loudly);
    // compilers keep their caches, so the next run continues where this one stopped
    if (timedOut) return { skip: `not built: ${run.script} exceeded its ${timeoutS} s budget (log ${display(root, logFile)})` }
    const lines = stdout.trim().split('\n').map(l => l.trim()).filter(Boolean)
    if (code !== 0) {
      const why = `${run.script}: ${signal ?? `exit ${code}`}: ${tail(stderr, 5).replace(/\s*\n\s*/g, ' | ')}`
      return toolNote != null ? { skip: `${toolNote}; ${why}` } : { fail: `build failed (${why})` }
    }
    const bin = [...lines].reverse().map(l => path.resolve(path.dirname(script), l)).find(isExecutableFile)
    if (bin == null) {
      // e.g. a build script that says "toolchain not present" and exits 0
      const unavailable = lines.find(l => /not present|not found|not installed/i.test(l))
      const said = unavailable ?? lines.at(-1) ?? 'nothing'
      return toolNote != null || unavailable != null
        ? { skip: `${toolNote ?? 'not built'}; ${run.script} printed: ${said}` }
        : { fail: `${run.script} exited 0 but printed no path of an executable file on stdout (last line: ${said})` }
    }
    say(`${impl.id}: built in ${seconds} s: ${display(root, bin)}`)
    return { ok: { command: [bin], cwd: path.dirname(bin) } }
  }
}

/** Resolves an implementation to { ok } | { skip } | { fail } (see above); never throws */
export async function prepareImplementation (impl, opts) {
  const kind = KINDS[impl.run?.kind]
  if (kind == null) return { fail: `unknown run kind '${impl.run?.kind}' in implementations.mjs` }
  try {
    const r = await kind(impl, opts)
    if (r.ok != null) r.ok.env = { ...impl.env, ...r.ok.env }
    return r
  } catch (err) {
    return { fail: `preparing ${impl.id}: ${err?.message ?? err}` }
  }
}
