/* eslint-disable no-console */
// Throughput and handshake rate over an in-memory pair (no sockets): `npm run build && node benchmark/throughput.js [MiB]`
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { messageStreamPair } from '@libp2p/utils'
import { noise } from '../dist/src/index.js'

const MIB = 1024 * 1024
const totalBytes = Number(process.argv[2] ?? 512) * MIB
const writeBytes = 64 * 1024

async function peer () {
  const privateKey = await generateKeyPair('Ed25519')
  return { peerId: peerIdFromPrivateKey(privateKey), encrypter: noise()({ privateKey }) }
}

async function secure (a, b) {
  const [rawA, rawB] = messageStreamPair()
  const [outbound, inbound] = await Promise.all([
    a.encrypter.secureOutbound(rawA, { remotePeer: b.peerId }),
    b.encrypter.secureInbound(rawB)
  ])
  return { outbound, inbound }
}

const a = await peer()
const b = await peer()

// handshakes per second (both sides on this one thread)
{
  const n = 500
  const start = performance.now()
  for (let i = 0; i < n; i++) { await secure(a, b) }
  const ms = performance.now() - start
  console.log(JSON.stringify({ metric: 'handshakes', count: n, perSecond: Math.round(n / ms * 1000), msEach: +(ms / n).toFixed(3) }))
}

// one direction, 64 KiB writes honouring back-pressure, reader drains everything
for (let round = 0; round < 3; round++) {
  const { outbound, inbound } = await secure(a, b)
  const chunk = new Uint8Array(writeBytes).fill(round)
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  const reader = (async () => {
    let received = 0
    while (received < totalBytes) {
      const data = await inbound.connection.read()
      if (data == null) { break }
      received += data.byteLength
    }
    return received
  })()
  for (let sent = 0; sent < totalBytes; sent += writeBytes) {
    if (!outbound.connection.send(chunk)) { await outbound.connection.onDrain() }
  }
  const received = await reader
  const ms = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  console.log(JSON.stringify({
    metric: 'throughput',
    round,
    bytes: received,
    writeBytes,
    mbPerSecond: Math.round(received / 1e6 / (ms / 1000)),
    // both ends run on this one thread: bytes per CPU-second is steadier than wall time on a busy machine
    mbPerCpuSecond: Math.round(received / 1e6 / cpuSeconds),
    cpuNsPerByte: +(cpuSeconds * 1e9 / received).toFixed(2)
  }))
  await Promise.all([outbound.connection.close(), inbound.connection.close()])
}
