// Runs a test command once more when its test process died of a native crash, and only then.
//
// Usage (a package's test script): node ../../scripts/native-crash-retry.mjs <command> [args...]
//
// node-datachannel 0.33.4 (the WebRTC packages' native library) can crash the process (SIGSEGV,
// SIGABRT) when a UDP mux stops or a peer connection closes while datagrams arrive: the residual
// risk written in packages/transport-webrtc/src/direct/udp-mux.ts and docs/LIMITS.md, outside
// what JavaScript can prevent. A crash says nothing about the assertions of the run, so the run
// is repeated once, loudly. A failed assertion, a timeout or a second crash fails as before.
import { spawn } from 'node:child_process'

/** what aegir (execa) and Node print when the test process died of a signal from native code */
export const NATIVE_CRASH = /killed with (SIGSEGV|SIGABRT|SIGBUS|SIGILL)|Segmentation fault|terminate called after throwing/

function run (command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false })
    let tail = ''
    const keep = (chunk) => {
      // enough of the end of the output to find aegir's last line
      tail = (tail + chunk.toString()).slice(-16_384)
    }
    child.stdout.on('data', (chunk) => { process.stdout.write(chunk); keep(chunk) })
    child.stderr.on('data', (chunk) => { process.stderr.write(chunk); keep(chunk) })
    child.on('error', (err) => { resolve({ code: 1, signal: null, tail: String(err) }) })
    child.on('exit', (code, signal) => { resolve({ code, signal, tail }) })
  })
}

const [command, ...args] = process.argv.slice(2)
if (command == null) {
  console.error('native-crash-retry: usage: native-crash-retry.mjs <command> [args...]')
  process.exit(2)
}
let result = await run(command, args)
const crashed = (r) => r.code !== 0 && (r.signal === 'SIGSEGV' || r.signal === 'SIGABRT' || NATIVE_CRASH.test(r.tail))
if (crashed(result)) {
  console.error('\n::: native-crash-retry: the test process died of a native crash (node-datachannel, docs/LIMITS.md); running it once more\n')
  result = await run(command, args)
  if (crashed(result)) { console.error('\n::: native-crash-retry: it crashed again\n') }
}
process.exit(result.code ?? 1)
