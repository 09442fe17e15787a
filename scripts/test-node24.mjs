// Runs every workspace package's compiled Node tests under Node 24 (from npm, in tools/node24).
//
// Usage: node scripts/test-node24.mjs [package-folder ...]     (build first: `npm run build`)
//
// Per package, like `aegir test -t node` (node_modules/aegir/src/test/node.js): mocha in the
// package folder, `--ui bdd --require source-map-support/register --timeout=60000`, no `--exit`,
// AEGIR_RUNNER=node and NODE_ENV=test, the package's .aegir.js `test.before`/`test.after` hooks
// (run here, on the machine's Node, as aegir runs them). Files: dist/test/node.js,
// dist/test/**/*.spec.js and dist/test/**/*.node.js. Packages without such files are skipped.
// Exits non-zero if any package fails, if Node 24 is missing, or if a run exceeds
// NODE24_PACKAGE_TIMEOUT_MS (default 15 minutes; a hang is usually a handle left open).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const toolDir = path.join(root, 'tools', 'node24')
const node24 = path.join(toolDir, 'node_modules', '.bin', 'node')
const TIMEOUT_MS = 60_000
const PACKAGE_TIMEOUT_MS = Number(process.env.NODE24_PACKAGE_TIMEOUT_MS ?? 15 * 60_000)

function fail (message) {
  console.error(`test-node24: ${message}`)
  process.exit(1)
}

function ensureNode24 () {
  if (!fs.existsSync(node24)) {
    console.log('test-node24: installing tools/node24 (npm ci)')
    const npm = spawnSync('npm', ['ci', '--prefix', toolDir, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' })
    if (npm.status !== 0) fail(`npm ci --prefix tools/node24 failed (exit ${npm.status ?? npm.signal})`)
  }
  const v = spawnSync(node24, ['--version'], { encoding: 'utf8' })
  const version = (v.stdout ?? '').trim()
  if (v.status !== 0 || !version.startsWith('v24.')) {
    fail(`${node24} --version printed '${version}' (exit ${v.status}), expected v24.x`)
  }
  return version
}

function findMocha () {
  for (const dir of [path.join(root, 'node_modules', 'mocha'), path.join(root, 'node_modules', 'aegir', 'node_modules', 'mocha')]) {
    const pj = path.join(dir, 'package.json')
    if (fs.existsSync(pj)) {
      const bin = JSON.parse(fs.readFileSync(pj, 'utf8')).bin
      return path.join(dir, typeof bin === 'string' ? bin : bin.mocha)
    }
  }
  fail('mocha not found in node_modules (run npm ci at the root)')
}

/** Workspace folders from the root package.json (`dir/*` globs and plain folders) */
function workspaceDirs () {
  const { workspaces = [] } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const dirs = []
  for (const pattern of Array.isArray(workspaces) ? workspaces : workspaces.packages ?? []) {
    if (pattern.endsWith('/*')) {
      const parent = path.join(root, pattern.slice(0, -2))
      if (!fs.existsSync(parent)) continue
      for (const e of fs.readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory() && fs.existsSync(path.join(parent, e.name, 'package.json'))) dirs.push(path.join(parent, e.name))
      }
    } else if (fs.existsSync(path.join(root, pattern, 'package.json'))) {
      dirs.push(path.join(root, pattern))
    }
  }
  return dirs
}

/** dist/test/node.js, dist/test/**\/*.spec.js and dist/test/**\/*.node.js, relative to the package */
function testFiles (pkgDir) {
  const testDir = path.join(pkgDir, 'dist', 'test')
  const files = []
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.spec.js') || e.name.endsWith('.node.js') || (dir === testDir && e.name === 'node.js')) {
        files.push(path.relative(pkgDir, p))
      }
    }
  }
  if (fs.existsSync(testDir)) walk(testDir)
  return files
}

async function loadAegirConfig (pkgDir) {
  for (const name of ['.aegir.js', '.aegir.cjs', '.aegir.mjs']) {
    const file = path.join(pkgDir, name)
    if (fs.existsSync(file)) return (await import(pathToFileURL(file).href)).default ?? {}
  }
  return {}
}

function runMocha (mocha, pkgDir, files, env) {
  const args = [mocha, ...files, '--ui', 'bdd', '--require', 'source-map-support/register', `--timeout=${TIMEOUT_MS}`]
  return new Promise((resolve) => {
    const child = spawn(node24, args, { cwd: pkgDir, env, stdio: ['ignore', 'inherit', 'inherit'] })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      console.error(`test-node24: ${path.basename(pkgDir)} still running after ${PACKAGE_TIMEOUT_MS} ms, killing it`)
      child.kill('SIGKILL')
    }, PACKAGE_TIMEOUT_MS)
    child.on('error', (err) => { clearTimeout(timer); resolve({ code: 1, why: err.message }) })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? 1, why: timedOut ? 'timed out' : signal != null ? `killed by ${signal}` : `exit ${code}` })
    })
  })
}

const version = ensureNode24()
const mocha = findMocha()
const only = new Set(process.argv.slice(2).map(a => path.basename(a)))
const binPath = path.dirname(node24)
const results = []

console.log(`test-node24: ${node24} ${version}`)

for (const pkgDir of workspaceDirs()) {
  const folder = path.basename(pkgDir)
  if (only.size > 0 && !only.has(folder)) continue
  const files = testFiles(pkgDir)
  if (files.length === 0) {
    results.push({ folder, status: 'skipped (no dist/test files)', ms: 0 })
    continue
  }

  console.log(`\n=== ${folder} (${files.length} file${files.length === 1 ? '' : 's'}) on Node ${version}`)
  const started = Date.now()
  const fileConfig = await loadAegirConfig(pkgDir)
  const argv = { runner: 'node', target: ['node'], files, timeout: TIMEOUT_MS, fileConfig }
  const before = typeof fileConfig.test?.before === 'function' ? await fileConfig.test.before(argv) : undefined
  const env = {
    ...process.env,
    // `node` from PATH in a test's child process is Node 24 too
    PATH: `${binPath}${path.delimiter}${process.env.PATH ?? ''}`,
    AEGIR_RUNNER: 'node',
    NODE_ENV: process.env.NODE_ENV ?? 'test',
    ...(before?.env ?? {})
  }
  let result
  try {
    result = await runMocha(mocha, pkgDir, files, env)
    // node-datachannel's native crash (scripts/native-crash-retry.mjs): once more, loudly
    if (/killed by SIG(SEGV|ABRT|BUS|ILL)/.test(result.why)) {
      console.error(`\n::: test-node24: ${folder} died of a native crash (${result.why}; node-datachannel, docs/LIMITS.md); running it once more\n`)
      result = await runMocha(mocha, pkgDir, files, env)
    }
  } finally {
    if (typeof fileConfig.test?.after === 'function') await fileConfig.test.after(argv, before)
  }
  results.push({ folder, status: result.code === 0 ? 'passed' : `FAILED (${result.why})`, ms: Date.now() - started })
}

console.log(`\ntest-node24 summary (${version}):`)
for (const r of results) console.log(`  ${r.folder.padEnd(32)} ${r.status}${r.ms > 0 ? ` in ${(r.ms / 1000).toFixed(1)} s` : ''}`)
const failed = results.filter(r => r.status.startsWith('FAILED'))
if (only.size > 0 && results.length === 0) fail(`no package folder matches ${[...only].join(', ')}`)
if (failed.length > 0) fail(`${failed.length} package(s) failed: ${failed.map(r => r.folder).join(', ')}`)
console.log(`test-node24: ${results.filter(r => r.status === 'passed').length} package(s) passed`)
