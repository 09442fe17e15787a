// Server child: one listening node serving /perf/1.0.0, /bench/echo/1.0.0 and /bench/lp/1.0.0.
//   node [--expose-gc] [--import shim] server.mjs --stack ours|js --params '{"hardTimeoutMs":…}'
// stdout: {"type":"ready","addr":…,"peerId":…}, then perf-done / mem / handler-error lines.
// stdin commands: {"cmd":"mem"} (gc, then memory and connection count). EOF on stdin stops it.
import { emit, errorInfo, measureMemory, parseArgs, superviseChild, withTimeout } from './child-io.mjs'
import { registerHandlers } from './protocols.mjs'
import { registerStyleHandlers } from './styles.mjs'
import { loadStack } from './stacks.mjs'

const args = parseArgs()
const params = args.params ?? {}
let node

superviseChild({
  role: 'server',
  hardTimeoutMs: params.hardTimeoutMs ?? 600_000,
  async onCommand (cmd) {
    if (cmd.cmd === 'mem') {
      const mem = await measureMemory()
      emit({ type: 'mem', tag: cmd.tag, ...mem, connections: node?.getConnections().length ?? 0 })
    } else if (cmd.cmd === 'connections') {
      emit({ type: 'connections', tag: cmd.tag, connections: node?.getConnections().length ?? 0 })
    } else {
      throw new TypeError(`unknown command ${cmd.cmd}`)
    }
  },
  async onEnd () {
    if (node != null) await withTimeout(node.stop(), 2000, 'server stop').catch(() => {})
  }
})

try {
  const A = await loadStack(args.stack)
  node = await A.createNode({ listen: true, withIdentify: params.withIdentify === true })
  await registerHandlers(A, node, emit)
  await registerStyleHandlers(A, node, emit)
  const addr = node.getMultiaddrs().map(String).find(a => a.includes('/tcp/'))
  if (addr == null) throw new Error('server: no TCP listen address')
  emit({ type: 'ready', addr, peerId: node.peerId.toString(), pid: process.pid })
} catch (err) {
  emit({ type: 'error', role: 'server', error: errorInfo(err) })
  process.exit(1)
}
