/* eslint-disable no-console */
// Loopback throughput of one TCP connection, raw node:net against @libp2p/tcp in the same run:
// `npm run build && node benchmark/throughput.js [MiB] [writeBytes]`. Prints one JSON line per round.
import { createServer, connect } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { tcp } from '../dist/src/index.js'

const MIB = 1024 * 1024
const totalBytes = Number(process.argv[2] ?? 1024) * MIB
const writeBytes = Number(process.argv[3] ?? 64 * 1024)
const chunk = new Uint8Array(writeBytes).fill(7)

/** both ends in this process; the reader counts bytes until EOF */
async function rawNet () {
  const server = createServer()
  const received = new Promise(resolve => {
    server.once('connection', (socket) => {
      let n = 0
      socket.on('data', (d) => { n += d.byteLength })
      socket.on('end', () => { resolve(n) })
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const socket = connect({ port: server.address().port, host: '127.0.0.1', noDelay: true })
  await new Promise(resolve => socket.once('connect', resolve))
  const start = performance.now()
  const cpu = process.cpuUsage()
  for (let sent = 0; sent < totalBytes; sent += writeBytes) {
    if (!socket.write(chunk)) { await new Promise(resolve => socket.once('drain', resolve)) }
  }
  socket.end()
  const bytes = await received
  const ms = performance.now() - start
  server.close()
  return { bytes, ms, cpu: process.cpuUsage(cpu) }
}

/** a pass-through upgrader: the benchmark measures the transport's MultiaddrConnection */
const upgrader = {
  async upgradeInbound (maConn) { return { maConn } },
  async upgradeOutbound (maConn) { return { maConn } }
}

async function libp2pTcp () {
  const transport = tcp()({})
  const listener = transport.createListener({ upgrader })
  const accepted = new Promise(resolve => { listener.addEventListener('connection', (evt) => { resolve(evt.detail.maConn) }, { once: true }) })
  await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))
  const outbound = (await transport.dial(listener.getAddrs()[0], { upgrader })).maConn
  const inbound = await accepted
  const start = performance.now()
  const cpu = process.cpuUsage()
  const reader = (async () => {
    let n = 0
    for await (const data of inbound) { n += data.byteLength }
    return n
  })()
  for (let sent = 0; sent < totalBytes; sent += writeBytes) {
    if (!outbound.send(chunk)) { await outbound.onDrain() }
  }
  await outbound.closeWrite()
  const bytes = await reader
  const ms = performance.now() - start
  const cpuUsed = process.cpuUsage(cpu)
  await Promise.all([outbound.close(), inbound.close()])
  await listener.close()
  return { bytes, ms, cpu: cpuUsed }
}

for (let round = 0; round < 3; round++) {
  const raw = await rawNet()
  const ours = await libp2pTcp()
  const mbps = ({ bytes, ms }) => Math.round(bytes / 1e6 / (ms / 1000))
  // both ends share this thread: bytes per CPU-second is steadier than wall time on a busy machine
  const mbPerCpuSecond = ({ bytes, cpu }) => Math.round(bytes / 1e6 / ((cpu.user + cpu.system) / 1e6))
  console.log(JSON.stringify({
    metric: 'tcp-throughput',
    round,
    bytes: ours.bytes,
    writeBytes,
    rawNetMBps: mbps(raw),
    libp2pTcpMBps: mbps(ours),
    ratioToRaw: +(mbps(ours) / mbps(raw)).toFixed(2),
    rawNetMBPerCpuSecond: mbPerCpuSecond(raw),
    libp2pTcpMBPerCpuSecond: mbPerCpuSecond(ours)
  }))
}
