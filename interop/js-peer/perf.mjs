// The test-plans perf command (shared/INTEROP.md §3) on js-libp2p 3.x: TCP + Noise + Yamux from npm,
// with a /perf/1.0.0 client and server of ours written against js-libp2p's stream API.
//
// Why ours: js-libp2p's own perf service (@libp2p/perf) is not installable here (the npm registry
// answers 404 for it). What this measures is therefore js-libp2p's transport, upgrader, Noise and
// Yamux moving perf's bytes, not @libp2p/perf's code. Run it with Node >= 22 (tools/node24).
//
//   node perf.mjs --run-server --server-address <ip:port>
//       listens until SIGINT / SIGTERM with the contract's fixed identity (Ed25519, all-zero seed);
//       prints its multiaddr(s) ending in /p2p/<id> on stdout, one per line
//   node perf.mjs --server-address <ip:port> --transport tcp --upload-bytes N --download-bytes M
//       stdout: {"type":"intermediary",…} once a second, then {"type":"final",…}; logs on stderr
//
// /perf/1.0.0: the client writes the byte count it wants back as a big-endian u64, uploads N bytes
// and closes its write side; the server reads the u64, reads to EOF, then sends the asked bytes and
// closes.
import { isIPv4, isIPv6 } from 'node:net'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { waitDrain } from './streams.mjs'

const PROTOCOL = '/perf/1.0.0'
const HEADER_BYTES = 8
const CHUNK_BYTES = 64 * 1024
/** let timers (the once-a-second reports) run while send() keeps accepting data */
const YIELD_EVERY_BYTES = 1024 * 1024
const REPORT_INTERVAL_MS = 1000
/** no perf transfer here lasts longer; a stalled one ends the process with an error instead of hanging */
const TRANSFER_TIMEOUT_MS = 10 * 60_000
/** the server stops reading a stream that has not finished by then */
const SERVER_STREAM_TIMEOUT_MS = 10 * 60_000

class PerfError extends Error {
  static name = 'PerfError'
  name = 'PerfError'
}

const log = (line) => process.stderr.write(line + '\n')
const CHUNK = new Uint8Array(CHUNK_BYTES)

function tcpAddress (address) {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(address) ?? /^([^:]+):(\d+)$/.exec(address)
  const port = m == null ? NaN : Number(m[2])
  if (m == null || !Number.isInteger(port) || port > 65535) throw new PerfError(`--server-address must be <ip>:<port> or [<ip6>]:<port>, got "${address}"`)
  if (isIPv4(m[1])) return multiaddr(`/ip4/${m[1]}/tcp/${port}`)
  if (isIPv6(m[1])) return multiaddr(`/ip6/${m[1]}/tcp/${port}`)
  throw new PerfError(`--server-address needs an IP address, got "${m[1]}"`)
}

function byteCount (name, value) {
  const n = Number(value)
  if (value == null || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new PerfError(`--${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${value}`)
  return n
}

const yieldToEventLoop = () => new Promise(resolve => setImmediate(resolve))

/** sends `count` zero bytes (the same read-only chunk each time), counting into counters[key] as they are queued */
async function writeBytes (stream, count, counters, key, signal) {
  let left = count
  let sinceYield = 0
  while (left > 0) {
    const n = Math.min(left, CHUNK_BYTES)
    left -= n
    counters[key] += n
    if (!stream.send(n === CHUNK_BYTES ? CHUNK : CHUNK.subarray(0, n))) await waitDrain(stream, signal)
    sinceYield += n
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0
      await yieldToEventLoop()
      signal?.throwIfAborted()
    }
  }
}

/**
 * Counts what arrives until the remote's EOF without keeping it. `onData(data, counted)` sees
 * every message first and returns how many of its bytes are payload (the server strips the header).
 */
function readToEnd (stream, onData, signal) {
  return new Promise((resolve, reject) => {
    let settled = false
    const cleanup = () => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const settle = (err) => {
      if (settled) return
      settled = true
      cleanup()
      if (err != null) reject(err)
      else resolve()
    }
    const onMessage = (evt) => {
      try { onData(evt.data) } catch (err) { settle(err) }
    }
    const onEnd = () => settle()
    const onClose = (evt) => settle(evt.error)
    const onAbort = () => settle(signal.reason)
    stream.addEventListener('message', onMessage)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
    if (stream.readableEnded) settle()
  })
}

/** bytes of a message (Uint8Array or Uint8ArrayList) */
const bytesOf = (data) => data.subarray()

async function serveStream (stream) {
  const signal = AbortSignal.timeout(SERVER_STREAM_TIMEOUT_MS)
  const header = new Uint8Array(HEADER_BYTES)
  let headerFill = 0
  let uploaded = 0
  try {
    await readToEnd(stream, (data) => {
      if (headerFill < HEADER_BYTES) {
        const bytes = bytesOf(data)
        const take = Math.min(HEADER_BYTES - headerFill, bytes.byteLength)
        header.set(bytes.subarray(0, take), headerFill)
        headerFill += take
        uploaded += bytes.byteLength - take
      } else {
        uploaded += data.byteLength
      }
    }, signal)
    if (headerFill < HEADER_BYTES) throw new PerfError(`the stream ended after ${headerFill} of the ${HEADER_BYTES} header bytes`)
    const wanted = new DataView(header.buffer).getBigUint64(0, false)
    if (wanted > BigInt(Number.MAX_SAFE_INTEGER)) throw new PerfError(`asked for ${wanted} bytes, more than this server sends`)
    const counters = { download: 0 }
    await writeBytes(stream, Number(wanted), counters, 'download', signal)
    await stream.close({ signal })
  } catch (err) {
    log(`perf stream ${stream.id}: ${err.name}: ${err.message} (uploaded ${uploaded} bytes)`)
    stream.abort(err)
  }
}

async function createNode ({ listen = [], fixedIdentity = false } = {}) {
  return createLibp2p({
    privateKey: fixedIdentity ? await generateKeyPairFromSeed('Ed25519', new Uint8Array(32)) : undefined,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // a benchmark target: many short connections from one client are the point
    connectionManager: { inboundConnectionThreshold: 10_000 }
  })
}

async function runServer (address) {
  const node = await createNode({ listen: [address.toString()], fixedIdentity: true })
  await node.handle(PROTOCOL, (stream) => { serveStream(stream) }, { maxInboundStreams: 64 })
  log(`perf server ${node.peerId} (js-libp2p)`)
  for (const ma of node.getMultiaddrs()) process.stdout.write(`${ma}\n`)
  await new Promise(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await node.stop()
}

async function runClient (address, uploadBytes, downloadBytes) {
  const signal = AbortSignal.timeout(TRANSFER_TIMEOUT_MS)
  const node = await createNode()
  const counters = { upload: 0, download: 0 }
  let last = { at: 0, upload: 0, download: 0 }
  let timer
  try {
    const start = performance.now()
    const connection = await node.dial(address, { signal })
    log(`connected in ${((performance.now() - start) / 1000).toFixed(3)} s`)
    last = { at: performance.now(), upload: 0, download: 0 }
    timer = setInterval(() => {
      const now = performance.now()
      process.stdout.write(JSON.stringify({
        type: 'intermediary',
        timeSeconds: (now - last.at) / 1000,
        uploadBytes: counters.upload - last.upload,
        downloadBytes: counters.download - last.download
      }) + '\n')
      last = { at: now, upload: counters.upload, download: counters.download }
    }, REPORT_INTERVAL_MS)
    const stream = await connection.newStream(PROTOCOL, { signal })
    const reading = readToEnd(stream, (data) => {
      counters.download += data.byteLength
      if (counters.download > downloadBytes) throw new PerfError(`the server sent more than the ${downloadBytes} bytes asked for`)
    }, signal)
    reading.catch(() => {}) // awaited below; an early failure must not be unhandled meanwhile
    const header = new Uint8Array(HEADER_BYTES)
    new DataView(header.buffer).setBigUint64(0, BigInt(downloadBytes), false)
    if (!stream.send(header)) await waitDrain(stream, signal)
    await writeBytes(stream, uploadBytes, counters, 'upload', signal)
    await stream.close({ signal }) // our write side; the server's bytes still arrive
    await reading
    if (counters.download !== downloadBytes) throw new PerfError(`the server sent ${counters.download} of the ${downloadBytes} bytes asked for`)
    clearInterval(timer)
    process.stdout.write(JSON.stringify({
      type: 'final',
      timeSeconds: (performance.now() - start) / 1000,
      uploadBytes: counters.upload,
      downloadBytes: counters.download
    }) + '\n')
  } finally {
    clearInterval(timer)
    await node.stop()
  }
}

const { values } = parseArgs({
  options: {
    'run-server': { type: 'boolean', default: false },
    'server-address': { type: 'string' },
    transport: { type: 'string', default: 'tcp' },
    'upload-bytes': { type: 'string' },
    'download-bytes': { type: 'string' }
  }
})
try {
  if (values['server-address'] == null) throw new PerfError('--server-address <ip:port> is required')
  if (values.transport !== 'tcp') throw new PerfError(`--transport ${values.transport} is not supported: tcp only`)
  const address = tcpAddress(values['server-address'])
  if (values['run-server']) {
    await runServer(address)
  } else {
    await runClient(address, byteCount('upload-bytes', values['upload-bytes']), byteCount('download-bytes', values['download-bytes']))
  }
  process.exit(0)
} catch (err) {
  log(`perf: ${err.name}: ${err.message}`)
  process.exit(1)
}
