/* eslint-disable no-console */
// In-process micro-benchmarks of each layer of the data path, both ends on this one thread, so
// the CPU time per byte (process.cpuUsage) and the GC time (perf_hooks 'gc' entries) are the
// figures to read; wall time follows the machine's load.
//
//   node bench/micro/layers.mjs [--layers pair,noise,yamux,noise+yamux,tcp,tcp+noise+yamux,streams,streams-tcp,conns]
//                               [--mib 256] [--rounds 3] [--streams 2000] [--conns 200]
//
// Layers:
//   pair             messageStreamPair (the stream base alone)
//   noise            Noise over messageStreamPair (minus the handshake)
//   yamux            one yamux stream over messageStreamPair
//   noise+yamux      one yamux stream over Noise over messageStreamPair
//   tcp              @libp2p/tcp's MultiaddrConnection on loopback
//   tcp+noise+yamux  one yamux stream over Noise over TCP (the bench's stack without libp2p's Connection)
//   streams          sequential open + 1-byte echo + closeWrite + read to EOF, yamux over a pair (no mss)
//   streams-tcp      the same over TCP + Noise + Yamux
//   node-up, node-down  a perf upload / download between two libp2p nodes in this process,
//                    `--stack ours|js` (js needs `--import bench/lib/shim-with-resolvers.mjs`)
//   node-streams     sequential open + 1-byte echo + close between two libp2p nodes (--stack)
//   node-connect     dial + first ping + close between two libp2p nodes, --conns times (--stack)
//   conns            heap per idle (yamux over noise over TCP) connection pair, after GC (--expose-gc)
// Prints one JSON line per layer and round.
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { messageStreamPair } from '@libp2p/utils'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { loadStack } from '../lib/stacks.mjs'
import { perfExchange, echoOneByte, registerHandlers } from '../lib/protocols.mjs'

const { values: opts } = parseArgs({
  options: {
    layers: { type: 'string', default: 'pair,noise,yamux,noise+yamux,tcp,tcp+noise+yamux,streams,streams-tcp' },
    mib: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    streams: { type: 'string', default: '2000' },
    conns: { type: 'string', default: '200' },
    chunk: { type: 'string', default: String(64 * 1024) },
    stack: { type: 'string', default: 'ours' }
  }
})
const MIB = 1024 * 1024
const TOTAL = Number(opts.mib) * MIB
const ROUNDS = Number(opts.rounds)
const CHUNK = Number(opts.chunk)
const FILL = new Uint8Array(CHUNK).fill(0x5a)
const ONE = Uint8Array.of(1)

// ---- GC accounting --------------------------------------------------------------------------
let gcMs = 0
let gcCount = 0
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) { gcMs += e.duration; gcCount++ }
}).observe({ entryTypes: ['gc'] })

async function measure (fn) {
  await new Promise(resolve => setImmediate(resolve)) // let pending gc entries arrive
  const gc0 = gcMs
  const gcN0 = gcCount
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const result = await fn()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  await new Promise(resolve => setImmediate(resolve))
  return { ...result, ms, cpuMs: (cpu.user + cpu.system) / 1000, gcMs: gcMs - gc0, gcCount: gcCount - gcN0 }
}

// ---- building blocks ------------------------------------------------------------------------
const noLogger = { forComponent: () => { const l = () => {}; l.enabled = false; l.error = () => {}; l.trace = () => {}; return l } }

async function peer () {
  const privateKey = await generateKeyPair('Ed25519')
  return { peerId: peerIdFromPrivateKey(privateKey), encrypter: noise()({ privateKey, logger: noLogger }) }
}
const peerA = await peer()
const peerB = await peer()

async function secure (rawA, rawB) {
  const [outbound, inbound] = await Promise.all([
    peerA.encrypter.secureOutbound(rawA, { remotePeer: peerB.peerId }),
    peerB.encrypter.secureInbound(rawB)
  ])
  return [outbound.connection, inbound.connection]
}

function muxers (connA, connB) {
  const factory = yamux(process.env.YAMUX_OPTS != null ? JSON.parse(process.env.YAMUX_OPTS) : {})({})
  const a = factory.createStreamMuxer(connA, { direction: 'outbound' })
  const b = factory.createStreamMuxer(connB, { direction: 'inbound' })
  return [a, b]
}

/** a muxed stream pair: the one a opened and the one b received */
async function muxedStream (a, b) {
  const incoming = new Promise(resolve => { b.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
  const out = await a.createStream()
  out.send(new Uint8Array(0))
  // the SYN travels with the first data; send one byte and read it to get the remote's stream
  out.send(ONE)
  const inb = await incoming
  const first = await inb.read()
  if (first?.byteLength !== 1) throw new Error('no first byte')
  return [out, inb]
}

const upgrader = {
  async upgradeInbound (maConn) { return { maConn } },
  async upgradeOutbound (maConn) { return { maConn } }
}

async function tcpPair () {
  const transport = tcp()({ logger: noLogger })
  const listener = transport.createListener({ upgrader })
  const accepted = new Promise(resolve => { listener.addEventListener('connection', (evt) => { resolve(evt.detail.maConn) }, { once: true }) })
  await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))
  const out = (await transport.dial(listener.getAddrs()[0], { upgrader })).maConn
  const inb = await accepted
  return { out, inb, listener, transport }
}

/** send TOTAL bytes from `from` to `to` with back-pressure; the reader counts to EOF */
async function transfer (from, to) {
  const reader = (async () => {
    let n = 0
    while (true) {
      const chunk = await to.read()
      if (chunk == null) break
      n += chunk.byteLength
    }
    return n
  })()
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    if (!from.send(FILL)) await from.onDrain()
  }
  await from.closeWrite()
  const bytes = await reader
  if (bytes !== TOTAL) throw new Error(`received ${bytes} of ${TOTAL}`)
  return { bytes }
}

function report (layer, round, r) {
  const out = { layer, round, mib: +(r.bytes / MIB).toFixed(0) }
  if (r.bytes != null) {
    out.cpuNsPerByte = +(r.cpuMs * 1e6 / r.bytes).toFixed(3)
    out.mbPerCpuS = Math.round(r.bytes / 1e6 / (r.cpuMs / 1000))
    out.mbPerS = Math.round(r.bytes / 1e6 / (r.ms / 1000))
  }
  if (r.count != null) {
    out.count = r.count
    out.perCpuS = Math.round(r.count / (r.cpuMs / 1000))
    out.perS = Math.round(r.count / (r.ms / 1000))
    out.cpuUsEach = +(r.cpuMs * 1000 / r.count).toFixed(1)
  }
  out.gcPctOfCpu = +(100 * r.gcMs / r.cpuMs).toFixed(1)
  out.gcCount = r.gcCount
  out.cpuMs = Math.round(r.cpuMs)
  console.log(JSON.stringify(out))
}

// ---- layers ----------------------------------------------------------------------------------
const layers = {
  /** the floor: node:crypto ChaCha20-Poly1305 seal + open of 65519-byte frames, nothing else */
  async crypto (round) {
    const { createCipheriv, createDecipheriv, createSecretKey } = await import('node:crypto')
    const key = createSecretKey(new Uint8Array(32).fill(1))
    const nonce = Buffer.alloc(12)
    const plain = FILL.subarray(0, Math.min(CHUNK, 65519))
    report('crypto', round, await measure(async () => {
      let bytes = 0
      let n = 0
      while (bytes < TOTAL) {
        nonce.writeUInt32LE(n++, 4)
        const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
        const ct = c.update(plain); c.final(); const tag = c.getAuthTag()
        const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 })
        d.setAuthTag(tag); d.update(ct); d.final()
        bytes += plain.byteLength
      }
      return { bytes }
    }))
  },
  /** raw node:net on loopback, both ends here: the transport's floor */
  async net (round) {
    const { createServer, connect } = await import('node:net')
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
    report('net', round, await measure(async () => {
      for (let sent = 0; sent < TOTAL; sent += CHUNK) {
        if (!socket.write(FILL)) { await new Promise(resolve => socket.once('drain', resolve)) }
      }
      socket.end()
      return { bytes: await received }
    }))
    server.close()
  },
  async pair (round) {
    const [a, b] = messageStreamPair()
    report('pair', round, await measure(() => transfer(a, b)))
  },
  async noise (round) {
    const [rawA, rawB] = messageStreamPair()
    const [a, b] = await secure(rawA, rawB)
    report('noise', round, await measure(() => transfer(a, b)))
  },
  async yamux (round) {
    const [rawA, rawB] = messageStreamPair()
    const [ma, mb] = muxers(rawA, rawB)
    const [a, b] = await muxedStream(ma, mb)
    report('yamux', round, await measure(() => transfer(a, b)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
  },
  async 'noise+yamux' (round) {
    const [rawA, rawB] = messageStreamPair()
    const [ca, cb] = await secure(rawA, rawB)
    const [ma, mb] = muxers(ca, cb)
    const [a, b] = await muxedStream(ma, mb)
    report('noise+yamux', round, await measure(() => transfer(a, b)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
  },
  async tcp (round) {
    const { out, inb, listener } = await tcpPair()
    report('tcp', round, await measure(() => transfer(out, inb)))
    out.abort(new Error('done')); inb.abort(new Error('done'))
    await listener.close()
  },
  async 'tcp+noise+yamux' (round) {
    const { out, inb, listener } = await tcpPair()
    const [ca, cb] = await secure(out, inb)
    const [ma, mb] = muxers(ca, cb)
    const [a, b] = await muxedStream(ma, mb)
    report('tcp+noise+yamux', round, await measure(() => transfer(a, b)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
    await listener.close()
  },
  async 'tcp+noise' (round) {
    const { out, inb, listener } = await tcpPair()
    const [a, b] = await secure(out, inb)
    report('tcp+noise', round, await measure(() => transfer(a, b)))
    a.abort(new Error('done')); b.abort(new Error('done'))
    await listener.close()
  },
  async 'tcp+yamux' (round) {
    const { out, inb, listener } = await tcpPair()
    const [ma, mb] = muxers(out, inb)
    const [a, b] = await muxedStream(ma, mb)
    report('tcp+yamux', round, await measure(() => transfer(a, b)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
    await listener.close()
  },
  async streams (round) {
    const [rawA, rawB] = messageStreamPair()
    const [ma, mb] = muxers(rawA, rawB)
    report('streams', round, await measure(() => echoStreams(ma, mb)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
  },
  async 'streams-tcp' (round) {
    const { out, inb, listener } = await tcpPair()
    const [ca, cb] = await secure(out, inb)
    const [ma, mb] = muxers(ca, cb)
    report('streams-tcp', round, await measure(() => echoStreams(ma, mb)))
    ma.abort(new Error('done')); mb.abort(new Error('done'))
    await listener.close()
  },
  async conns (round) {
    if (typeof globalThis.gc !== 'function') throw new Error('conns needs --expose-gc')
    const n = Number(opts.conns)
    const transport = tcp()({ logger: noLogger })
    const listener = transport.createListener({ upgrader })
    const accepted = []
    listener.addEventListener('connection', (evt) => { accepted.push(evt.detail.maConn) })
    await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))
    const addr = listener.getAddrs()[0]
    const keep = []
    // warm up one, then measure
    const settle = async () => { for (let i = 0; i < 3; i++) { await new Promise(resolve => setTimeout(resolve, 50)); globalThis.gc() } }
    await settle()
    const h0 = process.memoryUsage().heapUsed
    for (let i = 0; i < n; i++) {
      const out = (await transport.dial(addr, { upgrader })).maConn
      while (accepted.length === 0) await new Promise(resolve => setImmediate(resolve))
      const inb = accepted.shift()
      const [ca, cb] = await secure(out, inb)
      const [ma, mb] = muxers(ca, cb)
      keep.push(ma, mb)
    }
    await settle()
    const h1 = process.memoryUsage().heapUsed
    console.log(JSON.stringify({ layer: 'conns', round, conns: n, heapKiBPerConnPair: +((h1 - h0) / 1024 / n).toFixed(2), heapKiBPerSide: +((h1 - h0) / 1024 / n / 2).toFixed(2) }))
    for (const m of keep) m.abort(new Error('done'))
    await listener.close()
  }
}

async function nodes () {
  const A = await loadStack(opts.stack)
  const server = await A.createNode({ listen: true })
  const client = await A.createNode({ listen: false })
  await registerHandlers(A, server, () => {})
  const connection = await client.dial(server.getMultiaddrs()[0])
  return { A, server, client, connection }
}

async function nodeLayer (name, round, fn) {
  const { A, server, client, connection } = await nodes()
  await perfExchange(A, connection, 16 * MIB, 16 * MIB)
  report(`${name}-${opts.stack}`, round, await measure(() => fn(A, connection)))
  await client.stop()
  await server.stop()
}

layers['node-up'] = (round) => nodeLayer('node-up', round, async (A, c) => { await perfExchange(A, c, TOTAL, 0); return { bytes: TOTAL } })
layers['node-down'] = (round) => nodeLayer('node-down', round, async (A, c) => { await perfExchange(A, c, 0, TOTAL); return { bytes: TOTAL } })
layers['node-connect'] = async (round) => {
  const A = await loadStack(opts.stack)
  const server = await A.createNode({ listen: true })
  const client = await A.createNode({ listen: false })
  const ma = server.getMultiaddrs()[0]
  const once = async () => {
    const connection = await client.dial(ma)
    await client.services.ping.ping(connection.remotePeer)
    await connection.close()
  }
  for (let i = 0; i < 10; i++) await once()
  const count = Number(opts.conns)
  report(`node-connect-${opts.stack}`, round, await measure(async () => {
    for (let i = 0; i < count; i++) await once()
    return { count }
  }))
  await client.stop()
  await server.stop()
}
layers['node-streams'] = (round) => nodeLayer('node-streams', round, async (A, c) => {
  const count = Number(opts.streams)
  for (let i = 0; i < count; i++) await echoOneByte(A, c)
  return { count }
})

async function echoStreams (ma, mb) {
  mb.addEventListener('stream', (evt) => {
    const s = evt.detail
    void (async () => {
      for await (const chunk of s) { s.send(chunk) }
      await s.closeWrite()
    })().catch(() => {})
  })
  const count = Number(opts.streams)
  for (let i = 0; i < count; i++) {
    const s = await ma.createStream()
    s.send(ONE)
    await s.closeWrite()
    let got = 0
    for await (const chunk of s) got += chunk.byteLength
    if (got !== 1) throw new Error('echo failed')
  }
  return { count }
}

for (const name of opts.layers.split(',')) {
  const fn = layers[name]
  if (fn == null) throw new Error(`unknown layer ${name}`)
  for (let round = 0; round < ROUNDS; round++) {
    await fn(round)
  }
}
process.exit(0)
