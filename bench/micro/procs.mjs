/* eslint-disable no-console */
// One perf transfer between two processes (a server and a client), as in `npm run bench`'s
// throughput scenario, with each process's CPU time and event-loop utilisation (how much of the
// wall time it was busy rather than waiting), so stalls show up.
//
//   node bench/micro/procs.mjs [--stack ours|js] [--mib 256] [--dir down|up] [--rounds 3] [--warm-mib 16]
//                              [--child-flags='--import /tmp/hook.mjs']
// Prints one JSON line per round.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values: opts } = parseArgs({
  options: {
    role: { type: 'string' },
    addr: { type: 'string' },
    stack: { type: 'string', default: 'ours' },
    mib: { type: 'string', default: '256' },
    dir: { type: 'string', default: 'down' },
    rounds: { type: 'string', default: '3' },
    'child-flags': { type: 'string', default: '' },
    /** MiB uploaded and downloaded on the connection before the measured transfer */
    'warm-mib': { type: 'string', default: '16' }
  }
})
const MIB = 1024 * 1024
const SHIM = fileURLToPath(new URL('../lib/shim-with-resolvers.mjs', import.meta.url))

function send (obj) { process.stdout.write(JSON.stringify(obj) + '\n') }

if (opts.role === 'server' || opts.role === 'client') {
  const { loadStack } = await import('../lib/stacks.mjs')
  const { perfExchange, registerHandlers } = await import('../lib/protocols.mjs')
  const { eventLoopUtilization } = performance
  const A = await loadStack(opts.stack)
  process.stdin.resume()
  process.stdin.on('end', () => process.exit(0))
  if (opts.role === 'server') {
    const node = await A.createNode({ listen: true })
    await registerHandlers(A, node, (msg) => {
      if (msg.type === 'handler-error') send(msg)
    })
    send({ type: 'ready', addr: node.getMultiaddrs()[0].toString() })
    // report our ELU and CPU on request
    let elu0 = eventLoopUtilization()
    let cpu0 = process.cpuUsage()
    createInterface({ input: process.stdin }).on('line', (line) => {
      const cmd = JSON.parse(line)
      if (cmd.cmd === 'mark') { elu0 = eventLoopUtilization(); cpu0 = process.cpuUsage() }
      if (cmd.cmd === 'report') {
        const cpu = process.cpuUsage(cpu0)
        send({ type: 'report', elu: eventLoopUtilization(elu0).utilization, cpuMs: (cpu.user + cpu.system) / 1000 })
      }
    })
  } else {
    const node = await A.createNode({ listen: false })
    const connection = await node.dial(A.multiaddr(opts.addr))
    const warm = Number(opts['warm-mib']) * MIB
    await perfExchange(A, connection, warm, warm)
    send({ type: 'warm' })
    createInterface({ input: process.stdin }).on('line', async (line) => {
      const cmd = JSON.parse(line)
      if (cmd.cmd !== 'run') return
      const bytes = Number(opts.mib) * MIB
      const elu0 = eventLoopUtilization()
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      if (opts.dir === 'up') await perfExchange(A, connection, bytes, 0)
      else await perfExchange(A, connection, 0, bytes)
      const ms = performance.now() - t0
      const cpu = process.cpuUsage(cpu0)
      send({ type: 'done', ms, elu: eventLoopUtilization(elu0).utilization, cpuMs: (cpu.user + cpu.system) / 1000, bytes })
    })
  }
} else {
  const self = fileURLToPath(import.meta.url)
  const flags = [...(opts.stack === 'js' ? ['--import', SHIM] : []), ...opts['child-flags'].split(' ').filter(Boolean)]
  const child = (role, extra = []) => {
    const p = spawn(process.execPath, [...flags, self, '--role', role, '--stack', opts.stack, '--mib', opts.mib, '--dir', opts.dir, '--warm-mib', opts['warm-mib'], ...extra], { stdio: ['pipe', 'pipe', 'inherit'] })
    const lines = []
    const waiters = []
    createInterface({ input: p.stdout }).on('line', (line) => {
      let msg
      try { msg = JSON.parse(line) } catch { console.error(`[${role}] ${line}`); return }
      const w = waiters.findIndex(w => w.type === msg.type)
      if (w >= 0) waiters.splice(w, 1)[0].resolve(msg); else lines.push(msg)
    })
    return {
      p,
      cmd: (obj) => p.stdin.write(JSON.stringify(obj) + '\n'),
      next: (type) => {
        const i = lines.findIndex(m => m.type === type)
        if (i >= 0) return Promise.resolve(lines.splice(i, 1)[0])
        return new Promise(resolve => waiters.push({ type, resolve }))
      }
    }
  }
  for (let round = 0; round < Number(opts.rounds); round++) {
    const server = child('server')
    const { addr } = await server.next('ready')
    const client = child('client', ['--addr', addr])
    await client.next('warm')
    server.cmd({ cmd: 'mark' })
    await new Promise(resolve => setTimeout(resolve, 50))
    server.cmd({ cmd: 'mark' })
    client.cmd({ cmd: 'run' })
    const done = await client.next('done')
    server.cmd({ cmd: 'report' })
    const srv = await server.next('report')
    const mb = done.bytes / 1e6
    console.log(JSON.stringify({
      stack: opts.stack,
      dir: opts.dir,
      round,
      mbPerS: Math.round(mb / (done.ms / 1000)),
      nsPerByteBoth: +((done.cpuMs + srv.cpuMs) * 1e6 / done.bytes).toFixed(2),
      client: { cpuMs: Math.round(done.cpuMs), elu: +done.elu.toFixed(2) },
      server: { cpuMs: Math.round(srv.cpuMs), elu: +srv.elu.toFixed(2) }
    }))
    client.p.stdin.end()
    server.p.stdin.end()
    await Promise.all([new Promise(resolve => client.p.once('exit', resolve)), new Promise(resolve => server.p.once('exit', resolve))])
  }
}
