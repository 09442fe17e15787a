/* eslint-disable no-console */
// What Node itself charges a server for an idle TCP connection, without libp2p: the floor under
// relay-memory.mjs's figures. A child process listens on 127.0.0.1 and holds every socket it
// accepts (optionally reading with a 'data' listener, as a libp2p transport does); this process
// opens N connections in --steps steps and asks the child for its memory after a forced GC.
//
//   node bench/micro/relay-memory-socket.mjs [--n 900] [--steps 3] [--read true|false]
// Prints one JSON line: per connection in KiB (1024 bytes), from 0 to N and from the end of step 1 to N.
import { fork } from 'node:child_process'
import net from 'node:net'
import { parseArgs } from 'node:util'
import { measureMemory } from '../lib/child-io.mjs'

const { values: opts } = parseArgs({
  options: {
    role: { type: 'string' },
    n: { type: 'string', default: '900' },
    steps: { type: 'string', default: '3' },
    read: { type: 'string', default: 'true' }
  }
})
const KiB = 1024
const HARD_TIMEOUT_MS = 5 * 60_000

if (opts.role === 'server') {
  const held = []
  const server = net.createServer((socket) => {
    socket.setNoDelay(true)
    if (opts.read === 'true') socket.on('data', () => {})
    socket.on('error', () => {})
    held.push(socket)
  })
  server.listen(0, '127.0.0.1', () => { process.send({ type: 'ready', port: server.address().port }) })
  process.on('message', async (cmd) => {
    if (cmd.cmd === 'mem') process.send({ type: 'mem', held: held.length, ...await measureMemory() })
  })
  process.on('disconnect', () => process.exit(0))
  setTimeout(() => process.exit(124), HARD_TIMEOUT_MS).unref()
} else {
  const child = fork(new URL(import.meta.url).pathname, ['--role', 'server', '--read', opts.read], { execArgv: ['--expose-gc'] })
  const guard = setTimeout(() => { child.kill('SIGKILL'); process.exit(124) }, HARD_TIMEOUT_MS)
  const next = (type) => new Promise((resolve) => {
    const on = (m) => { if (m.type === type) { child.off('message', on); resolve(m) } }
    child.on('message', on)
  })
  const { port } = await next('ready')
  const mem = async () => { child.send({ cmd: 'mem' }); return next('mem') }
  const N = Number(opts.n)
  const steps = Number(opts.steps)
  const sockets = []
  const points = [await mem()]
  for (let s = 1; s <= steps; s++) {
    const batch = Math.ceil(N / steps)
    await Promise.all(Array.from({ length: batch }, () => new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.write(Buffer.alloc(64)); resolve() })
      socket.on('error', reject)
      sockets.push(socket)
    })))
    // the server has accepted (and read) them all
    let p
    do { p = await mem() } while (p.held < sockets.length)
    points.push(p)
  }
  const per = (a, b) => Object.fromEntries(['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'].map(k => [k, Math.round((b[k] - a[k]) / (b.held - a.held) / KiB * 10) / 10]))
  console.log(JSON.stringify({ n: N, read: opts.read === 'true', totalKiB: per(points[0], points[points.length - 1]), marginalKiB: per(points[1], points[points.length - 1]) }))
  for (const s of sockets) s.destroy()
  child.disconnect()
  clearTimeout(guard)
}
