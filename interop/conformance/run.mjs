// npm run test:conformance [-- --only js,ours,ours-node24] [-- <mocha args, e.g. -g pause>]
//
// Runs the conformance suite (cases.mjs) on each stack, each under its own Node:
//   js           js.spec.mjs   on Node 24 (tools/node24), js-libp2p 3.3.11 from interop/js-peer
//   ours         ours.spec.mjs on the Node running this script (the machine's Node 20)
//   ours-node24  ours.spec.mjs on Node 24
// Installs Node 24 and the js peer's packages first when they are missing (ensureJsPeer()).
// Every run happens even if an earlier one fails; the exit code is 1 if any failed.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { ensureJsPeer, NODE24, ROOT_DIR } from '../test/harness.mjs'

const RUN_TIMEOUT_MS = 10 * 60_000
const MOCHA = path.join(ROOT_DIR, 'node_modules', 'mocha', 'bin', 'mocha.js')
const SPEC_DIR = path.join(ROOT_DIR, 'interop', 'conformance')

const RUNS = {
  js: { node: NODE24, spec: 'js.spec.mjs' },
  ours: { node: process.execPath, spec: 'ours.spec.mjs' },
  'ours-node24': { node: NODE24, spec: 'ours.spec.mjs' }
}

const args = process.argv.slice(2)
let only = Object.keys(RUNS)
const onlyAt = args.indexOf('--only')
if (onlyAt !== -1) {
  only = (args[onlyAt + 1] ?? '').split(',').map(s => s.trim()).filter(Boolean)
  args.splice(onlyAt, 2)
}
for (const name of only) {
  if (RUNS[name] == null) {
    console.error(`unknown run '${name}' (runs: ${Object.keys(RUNS).join(', ')})`)
    process.exit(2)
  }
}
if (args[0] === '--') args.shift()

ensureJsPeer()

function runOne (name, { node, spec }) {
  const env = { ...process.env }
  // flags meant for the Node running npm are not for the other one
  if (node !== process.execPath) delete env.NODE_OPTIONS
  const child = spawn(node, [MOCHA, '--timeout', '120000', path.join(SPEC_DIR, spec), ...args], {
    cwd: ROOT_DIR, env, stdio: 'inherit'
  })
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.error(`${name}: no result after ${RUN_TIMEOUT_MS} ms, killing mocha (pid ${child.pid})`)
      child.kill('SIGKILL')
    }, RUN_TIMEOUT_MS)
    child.on('error', (err) => { clearTimeout(timer); resolve(`could not start ${node}: ${err.message}`) })
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve(code === 0 ? null : `exit ${signal ?? code}`) })
  })
}

const summary = []
for (const name of only) {
  const shown = RUNS[name].node.startsWith(ROOT_DIR) ? path.relative(ROOT_DIR, RUNS[name].node) : RUNS[name].node
  console.log(`\n=== conformance: ${name} (${shown} ${RUNS[name].spec})`)
  summary.push([name, await runOne(name, RUNS[name])])
}
console.log('\n=== conformance summary')
for (const [name, failure] of summary) console.log(`  ${name}: ${failure == null ? 'passed' : `FAILED (${failure})`}`)
process.exitCode = summary.some(([, failure]) => failure != null) ? 1 : 0
