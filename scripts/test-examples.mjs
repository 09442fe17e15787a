// Runs every example in examples/ the way a project outside this repository would use our
// packages: from the tarballs of scripts/pack.mjs, never through the workspace's node_modules.
//
// Usage: node scripts/test-examples.mjs [--no-pack] [example-folder-name ...]   (npm run test:examples)
//
// 1. packs every package (node scripts/pack.mjs, which builds first) unless --no-pack, in which
//    case the tarballs already in .packed/ are used;
// 2. per example: copies its folder (without node_modules and lockfiles) into a fresh folder
//    under os.tmpdir(), where no parent folder has a node_modules of ours; points each `file:`
//    dependency on .packed/ at the tarball's absolute path; checks that every package of ours
//    it needs, directly or through another, is one of those dependencies (anything missing
//    would be fetched from the npm registry, whose packages of these names are other ones);
//    runs `npm install`, then `npm start` with a timeout of EXAMPLE_TIMEOUT_MS (default 120 s);
// 3. removes the temporary folder whatever happened.
// Exits non-zero if any example fails.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const examplesDir = path.join(root, 'examples')
const packedDir = path.join(root, '.packed')
const INSTALL_TIMEOUT_MS = 10 * 60_000
const EXAMPLE_TIMEOUT_MS = Number(process.env.EXAMPLE_TIMEOUT_MS ?? 120_000)
const SKIP = new Set(['node_modules', 'package-lock.json'])

function log (message) {
  console.log(`test-examples: ${message}`)
}

/** run a command; resolves with its exit code, killing it (and its children) after timeoutMs */
function run (command, args, options, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: 'inherit', detached: true })
    const timer = setTimeout(() => {
      log(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms: killing it`)
      try { process.kill(-child.pid, 'SIGKILL') } catch {}
    }, timeoutMs)
    child.on('error', (err) => { clearTimeout(timer); log(`${command}: ${err.message}`); resolve(1) })
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? (signal != null ? 1 : 0)) })
  })
}

/**
 * Point the example's `file:` dependencies on .packed/ at absolute paths; returns the problems
 * (packages of ours that the example needs but does not take from the tarballs)
 */
function rewriteDependencies (manifest, exampleDir, index) {
  const byFile = new Map(index.map(entry => [entry.file, entry]))
  const byName = new Map(index.map(entry => [entry.name, entry]))
  const fromTarballs = new Set()
  const problems = []
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (!spec.startsWith('file:')) {
        if (byName.has(name)) problems.push(`${name} is '${spec}', not a tarball of .packed/`)
        continue
      }
      const target = path.resolve(exampleDir, spec.slice('file:'.length))
      if (path.dirname(target) !== packedDir) continue
      const entry = byFile.get(path.basename(target))
      if (entry == null || entry.name !== name) {
        problems.push(`${name}: ${spec} is not the tarball of ${name} (see .packed/index.json)`)
        continue
      }
      manifest[field][name] = `file:${path.join(packedDir, entry.file)}`
      fromTarballs.add(name)
    }
  }
  for (const name of fromTarballs) {
    for (const needed of byName.get(name).needs) {
      if (!fromTarballs.has(needed)) problems.push(`${name} needs ${needed}: add "${needed}": "file:../../.packed/${byName.get(needed).file}"`)
    }
  }
  return [...new Set(problems)]
}

async function testExample (name, index) {
  const exampleDir = path.join(examplesDir, name)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `libp2p-example-${name}-`))
  try {
    fs.cpSync(exampleDir, tmp, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) })
    const manifestFile = path.join(tmp, 'package.json')
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'))
    const problems = rewriteDependencies(manifest, exampleDir, index)
    if (problems.length > 0) {
      problems.forEach(p => log(`${name}: ${p}`))
      return false
    }
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n')
    log(`${name}: npm install in ${tmp}`)
    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tmp }, INSTALL_TIMEOUT_MS)
    if (install !== 0) { log(`${name}: npm install failed (exit ${install})`); return false }
    log(`${name}: npm start`)
    const start = await run('npm', ['start'], { cwd: tmp }, EXAMPLE_TIMEOUT_MS)
    if (start !== 0) { log(`${name}: failed (exit ${start})`); return false }
    log(`${name}: ok`)
    return true
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

async function main () {
  const argv = process.argv.slice(2)
  const pack = !argv.includes('--no-pack')
  const wanted = argv.filter(a => !a.startsWith('--'))
  if (pack) {
    const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'pack.mjs')], { cwd: root, stdio: 'inherit' })
    if (res.status !== 0) { log(`packing failed (exit ${res.status ?? res.signal})`); process.exit(1) }
  }
  const indexFile = path.join(packedDir, 'index.json')
  if (!fs.existsSync(indexFile)) { log(`${indexFile} is missing: run npm run pack:all`); process.exit(1) }
  const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'))
  const examples = fs.readdirSync(examplesDir, { withFileTypes: true })
    .filter(e => e.isDirectory() && fs.existsSync(path.join(examplesDir, e.name, 'package.json')))
    .map(e => e.name)
    .filter(name => wanted.length === 0 || wanted.includes(name))
    .sort()
  if (examples.length === 0) { log('no example to run'); process.exit(1) }
  const failed = []
  for (const name of examples) {
    if (!await testExample(name, index)) failed.push(name)
  }
  console.log(`${examples.length - failed.length} passed, ${failed.length} failed`)
  process.exit(failed.length === 0 ? 0 : 1)
}

main().catch((err) => {
  console.error('test-examples:', err)
  process.exit(1)
})
