#!/usr/bin/env node
// `npm start [-- <args>]`: runs the `libp2p` bin (packages/cli) from what is built, building the
// tree first only when a package has never been built or a source file changed since its last
// build. The bin runs inside this process (imported, not spawned): npm delivers SIGINT/SIGTERM to
// the script's process, and with no child in between the signal reaches the node itself, which
// stops cleanly instead of being left running without a parent.
// With no arguments, or only options, the command is `node` (the public node); `npm start -- ping
// <multiaddr>` and the other commands still work.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const bin = join(root, 'packages', 'cli', 'dist', 'src', 'bin.js')
// written after a build this script ran: a source file older than it needs no rebuild
const stamp = join(root, 'node_modules', '.cache', 'libp2p-start', 'built')

/** the newest modification time of any file under `dir` (0 when it is missing) */
function newestMtime (dir) {
  let newest = 0
  if (!existsSync(dir)) { return newest }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function mtime (path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0
}

/** why the tree must be built before starting, or undefined when what is built is current */
function buildReason () {
  const stamped = mtime(stamp)
  const packages = join(root, 'packages')
  for (const name of readdirSync(packages)) {
    const dir = join(packages, name)
    if (!existsSync(join(dir, 'tsconfig.json'))) { continue }
    const built = mtime(join(dir, 'dist', 'tsconfig.tsbuildinfo'))
    if (built === 0) { return `packages/${name} is not built` }
    // src/ is compiled; static/ and scripts/ are what the app's bundle step copies and runs
    const changed = Math.max(...['src', 'static', 'scripts'].map(d => newestMtime(join(dir, d))), mtime(join(dir, 'package.json')), mtime(join(dir, 'tsconfig.json')))
    if (changed > built && changed > stamped) { return `packages/${name} changed since it was built` }
  }
  return undefined
}

// SKIP_START_BUILD=1: start what is built as it is (cli's tests, which exercise signal delivery,
// not the build check, in a checkout where others may be editing sources)
const reason = process.env.SKIP_START_BUILD === '1' ? undefined : buildReason()
if (reason != null) {
  process.stderr.write(`building the tree first (${reason}): npm run build\n`)
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (build.status !== 0) {
    process.stderr.write(`npm run build failed (exit ${build.status ?? build.signal}); not starting\n`)
    process.exit(1)
  }
  mkdirSync(dirname(stamp), { recursive: true })
  writeFileSync(stamp, new Date().toISOString() + '\n')
}

const args = process.argv.slice(2)
if (args.length === 0 || args[0].startsWith('-')) { args.unshift('node') }
// the bin reads its arguments from process.argv, as if it had been started directly
process.argv = [process.argv[0], bin, ...args]
await import(bin)
