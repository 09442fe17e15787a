/* eslint-disable no-console */
// The receive path alone (issue 15): socket -> Noise frame decode -> decrypt -> yamux frame decode
// -> stream read buffer -> application, in this process; the sender is a child process, so
// everything counted is the receiver's (`--role send` swaps them: the sender's costs). Figures per
// MiB moved, which a loaded machine changes far less than MB/s:
//   heapKiBPerMiB      JS heap allocated (v8.GCProfiler: used heap before each GC less after the last)
//   gcPerMiB, gcKinds  collections (perf_hooks 'gc'; kinds 1 minor, 4 major, 8 incremental marking)
//   gcMsPerMiB         their wall time (inflated by a loaded machine: read the counts first)
//   arrayBuffersMaxMiB Buffer backing stores alive at once (sampled every 5 ms): socket reads and
//                      decipher outputs live outside the JS heap, and wait there for a collection
//   cpuNsPerByte       CPU of this process per byte
//
//   node bench/micro/receive-path.mjs [--style for-await|message|read|lp|sink] [--mib 128] [--rounds 3]
//                                     [--role receive|send] [--sample <file.json>] [--count-messages]
//
// Styles name how the receiver reads (for-await, 'message' events, read(), lpStream().read() of
// 64 KiB messages); the sender writes with send()/onDrain(), lpStream().write() for lp, and sink()
// of 64 KiB chunks for `sink` (whose receiver reads with for-await). --count-messages prints how
// many Noise messages this process opened, by size (every round, the warm-up included). --sample
// writes a V8 sampling heap profile of the first measured round (where the heap bytes come from)
// and prints its top allocating functions on stderr.
import { fork } from 'node:child_process'
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import v8 from 'node:v8'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { lpStream } from '@libp2p/utils'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'

const { values: opts } = parseArgs({
  options: {
    style: { type: 'string', default: 'for-await' },
    mib: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '3' },
    role: { type: 'string', default: 'receive' },
    child: { type: 'string' },
    sample: { type: 'string' },
    'count-messages': { type: 'boolean', default: false }
  }
})

if (opts['count-messages'] && opts.child == null) {
  // Noise messages this process opens, by size: a writer that ends its tick after each write can
  // leave a short message behind every full one
  const { CipherState } = await import('../../packages/connection-encrypter-noise/dist/src/cipher-state.js')
  const sizes = { 'full (65535)': 0, 'short (< 512)': 0, other: 0 }
  const decryptFrame = CipherState.prototype.decryptFrame
  CipherState.prototype.decryptFrame = function (ciphertext) {
    sizes[ciphertext.byteLength === 65535 ? 'full (65535)' : ciphertext.byteLength < 512 ? 'short (< 512)' : 'other']++
    return decryptFrame.call(this, ciphertext)
  }
  process.on('exit', () => { console.log(JSON.stringify({ noiseMessagesOpened: sizes })) })
}
const MIB = 1024 * 1024
const TOTAL = Number(opts.mib) * MIB
const CHUNK = 64 * 1024
const FILL = new Uint8Array(CHUNK).fill(0x5a)
const LP_CHUNK = CHUNK - 4 // so that a length-prefixed message fits the 64 KiB the plain styles send

const noLogger = { forComponent: () => { const l = () => {}; l.enabled = false; l.error = () => {}; l.trace = () => {}; return l } }
const upgrader = {
  async upgradeInbound (maConn) { return { maConn } },
  async upgradeOutbound (maConn) { return { maConn } }
}

async function secureAndMux (maConn, direction) {
  const privateKey = await generateKeyPair('Ed25519')
  const encrypter = noise()({ privateKey, logger: noLogger })
  const { connection } = direction === 'outbound'
    ? await encrypter.secureOutbound(maConn)
    : await encrypter.secureInbound(maConn)
  return yamux()({}).createStreamMuxer(connection, { direction })
}

// ---- the two ends --------------------------------------------------------------------------

async function send (stream, style) {
  if (style === 'sink') {
    await stream.sink((function * () { for (let sent = 0; sent < TOTAL; sent += CHUNK) yield FILL })())
    return
  }
  if (style === 'lp') {
    const lp = lpStream(stream, { maxDataLength: CHUNK })
    const msg = FILL.subarray(0, LP_CHUNK)
    for (let sent = 0; sent < TOTAL; sent += CHUNK) { await lp.write(msg) }
    await lp.unwrap().closeWrite()
    return
  }
  for (let sent = 0; sent < TOTAL; sent += CHUNK) {
    if (!stream.send(FILL)) { await stream.onDrain() }
  }
  await stream.closeWrite()
}

/** read to EOF the way `style` says; returns the payload bytes */
async function receive (stream, style) {
  let n = 0
  if (style === 'for-await' || style === 'sink') {
    for await (const chunk of stream) { n += chunk.byteLength }
  } else if (style === 'read') {
    for (let chunk = await stream.read(); chunk != null; chunk = await stream.read()) { n += chunk.byteLength }
  } else if (style === 'message') {
    await new Promise((resolve, reject) => {
      stream.addEventListener('message', (evt) => { n += evt.data.byteLength })
      stream.addEventListener('remoteCloseWrite', resolve, { once: true })
      stream.addEventListener('close', (evt) => { if (evt.error != null) reject(evt.error) }, { once: true })
    })
  } else if (style === 'lp') {
    const lp = lpStream(stream, { maxDataLength: CHUNK })
    const messages = Math.ceil(TOTAL / CHUNK)
    for (let i = 0; i < messages; i++) { n += (await lp.read()).byteLength }
    return n * CHUNK / LP_CHUNK
  } else {
    throw new Error(`unknown style ${style}`)
  }
  return n
}

// ---- accounting ------------------------------------------------------------------------------

let gcMs = 0
let gcCount = 0
/** collections by kind (perf_hooks' constants: 1 minor, 4 major, 8 incremental, 16 weak callbacks) */
const gcKinds = {}
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration
    gcCount++
    gcKinds[e.detail?.kind] = (gcKinds[e.detail?.kind] ?? 0) + 1
  }
}).observe({ entryTypes: ['gc'] })

/** JS heap bytes allocated while `fn` ran: what each GC found in use before it, less what it left */
async function measure (fn) {
  await new Promise(resolve => setImmediate(resolve))
  const profiler = new v8.GCProfiler()
  profiler.start()
  const used0 = v8.getHeapStatistics().used_heap_size
  const gc0 = gcMs
  const gcN0 = gcCount
  const kinds0 = { ...gcKinds }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  // Buffers' backing stores alive at once (outside the JS heap), sampled: what waits for a GC to be freed
  let arrayBuffersMax = 0
  const sampler = setInterval(() => { arrayBuffersMax = Math.max(arrayBuffersMax, process.memoryUsage().arrayBuffers) }, 5)
  const bytes = await fn()
  clearInterval(sampler)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const used1 = v8.getHeapStatistics().used_heap_size
  const profile = profiler.stop()
  await new Promise(resolve => setImmediate(resolve))
  let allocated = 0
  let after = used0
  for (const s of profile.statistics) {
    allocated += s.beforeGC.heapStatistics.usedHeapSize - after
    after = s.afterGC.heapStatistics.usedHeapSize
  }
  allocated += used1 - after
  const mib = bytes / MIB
  return {
    mib: Math.round(mib),
    heapKiBPerMiB: +(allocated / 1024 / mib).toFixed(1),
    gcPerMiB: +((gcCount - gcN0) / mib).toFixed(3),
    gcMsPerMiB: +((gcMs - gc0) / mib).toFixed(3),
    gcKinds: Object.fromEntries(Object.entries(gcKinds).map(([k, v]) => [k, v - (kinds0[k] ?? 0)])),
    cpuNsPerByte: +((cpu.user + cpu.system) * 1000 / bytes).toFixed(3),
    mbPerS: Math.round(bytes / 1e6 / (ms / 1000)),
    arrayBuffersMaxMiB: +(arrayBuffersMax / MIB).toFixed(1),
    // the young generation's size: the larger it is, the rarer scavenges, the longer the Buffers'
    // backing stores (outside the heap) wait to be freed, and the sooner their total starts a full GC
    newSpaceKiB: Math.round(v8.getHeapSpaceStatistics().find(s => s.space_name === 'new_space').space_size / 1024)
  }
}

async function startSampling () {
  if (opts.sample == null) return undefined
  const { Session } = await import('node:inspector')
  const session = new Session()
  session.connect()
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, res) => err != null ? reject(err) : resolve(res)))
  await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  return async () => {
    const { profile } = await post('HeapProfiler.stopSampling')
    session.disconnect()
    const { writeFile } = await import('node:fs/promises')
    await writeFile(opts.sample, JSON.stringify(profile))
    // self bytes by function and place
    const bySite = new Map()
    const walk = (node) => {
      const f = node.callFrame
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-3).join('/')}:${f.lineNumber + 1}`
      bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize)
      for (const c of node.children) walk(c)
    }
    walk(profile.head)
    const total = [...bySite.values()].reduce((a, b) => a + b, 0)
    const top = [...bySite.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)
    for (const [site, size] of top) console.error(`${(100 * size / total).toFixed(1).padStart(5)} %  ${site}`)
  }
}

// ---- child: the other end ----------------------------------------------------------------------

if (opts.child != null) {
  const transport = tcp()({ logger: noLogger })
  const maConn = (await transport.dial(multiaddr(opts.child), { upgrader })).maConn
  const muxer = await secureAndMux(maConn, 'outbound')
  process.on('message', async (msg) => {
    if (msg.cmd === 'exit') process.exit(0)
    const stream = await muxer.createStream()
    if (msg.cmd === 'send') {
      await send(stream, msg.style)
      // the receiver's EOF tells it the round is over
      for await (const _ of stream) { }
      process.send({ done: true })
    } else {
      stream.send(Uint8Array.of(0))
      const n = await receive(stream, msg.style)
      await stream.closeWrite()
      process.send({ done: true, n })
    }
  })
  process.on('disconnect', () => process.exit(0))
  process.send({ ready: true })
} else {
  const transport = tcp()({ logger: noLogger })
  const listener = transport.createListener({ upgrader })
  const accepted = new Promise(resolve => { listener.addEventListener('connection', (evt) => { resolve(evt.detail.maConn) }, { once: true }) })
  await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))
  const child = fork(new URL(import.meta.url).pathname, ['--child', listener.getAddrs()[0].toString(), '--mib', opts.mib], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const fromChild = () => new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => { reject(new Error(`child exited ${code}`)) })
  })
  const ready = fromChild()
  const muxer = await secureAndMux(await accepted, 'inbound')
  await ready
  const nextStream = () => new Promise(resolve => { muxer.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
  const deadline = setTimeout(() => { console.error('receive-path: no result within 600 s'); child.kill(); process.exit(1) }, 600_000)
  for (let round = -1; round < Number(opts.rounds); round++) {
    // round -1 warms up (JIT, windows grown to their size) and is not printed
    const incoming = nextStream()
    let stop
    if (opts.role === 'receive') {
      const done = fromChild()
      child.send({ cmd: 'send', style: opts.style })
      const stream = await incoming
      if (round === 0) stop = await startSampling()
      const r = await measure(async () => {
        const n = await receive(stream, opts.style)
        if (n !== TOTAL) throw new Error(`received ${n} of ${TOTAL}`)
        return n
      })
      await stream.closeWrite()
      await done
      if (round >= 0) console.log(JSON.stringify({ role: 'receive', style: opts.style, round, ...r }))
    } else {
      const done = fromChild()
      child.send({ cmd: 'receive', style: opts.style })
      const stream = await incoming
      await stream.read() // the child's first byte
      if (round === 0) stop = await startSampling()
      const r = await measure(async () => { await send(stream, opts.style); return TOTAL })
      await done
      for await (const _ of stream) { }
      if (round >= 0) console.log(JSON.stringify({ role: 'send', style: opts.style, round, ...r }))
    }
    if (stop != null) await stop()
  }
  clearTimeout(deadline)
  child.send({ cmd: 'exit' })
  // the listener's connections are bare MultiaddrConnections (no upgrade): nothing to close but the process
  process.exit(0)
}
