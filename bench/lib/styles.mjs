// The "styles" rows: the same bytes read and written the ways an application written against the
// js-libp2p 3 stream API does it, on both stacks with the same code. A lead that exists for one
// way of consuming a stream and not for the others is not a lead.
//
// Reading (a download: the server writes with send()/drain as in the perf protocol):
//   for-await   `for await (const chunk of stream)`
//   events      'message' events until 'remoteCloseWrite'
//   it-pipe     `pipe(stream, async (source) => { for await ... })`
//   lp          lpStream(stream).read() of 64 KiB length-prefixed messages
// Writing (an upload: the server reads with for-await):
//   send-ondrain `if (!stream.send(chunk)) await stream.onDrain()`, the application's own loop
//                (js-libp2p 3.3.11's onDrain() resolves at once after the first drain; what that
//                does to its buffering is part of what this row shows)
//   sink        `await stream.sink(source)`: ours only, js-libp2p 3 streams have no sink
//   lp          lpStream(stream).write() of 64 KiB messages
import { errorInfo } from './child-io.mjs'
import { CHUNK_BYTES, NEW_STREAM_OPTIONS, PERF_PROTOCOL } from './protocols.mjs'
import { STREAM_LIMITS } from './stacks.mjs'

export const LP_PROTOCOL = '/bench/lp/1.0.0'
export const READ_STYLES = ['for-await', 'events', 'it-pipe', 'lp']
export const WRITE_STYLES = ['send-ondrain', 'sink', 'lp']

const PAYLOAD = new Uint8Array(CHUNK_BYTES).fill(0x5a)

/** the perf request header: how many bytes the server sends back */
function perfHeader (downloadBytes) {
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(downloadBytes))
  return header
}

/** the lp protocol's request: [upload messages, download messages] as two uint32 */
function lpHeader (up, down) {
  const header = new Uint8Array(8)
  const view = new DataView(header.buffer)
  view.setUint32(0, up)
  view.setUint32(4, down)
  return header
}

/** server side of LP_PROTOCOL: read the header and `up` messages, then write `down` messages */
export function lpHandler (A, emit) {
  return async (stream) => {
    try {
      const lp = A.lpStream(stream)
      const header = (await lp.read()).subarray()
      const view = new DataView(header.buffer, header.byteOffset, header.byteLength)
      const up = view.getUint32(0)
      const down = view.getUint32(4)
      for (let i = 0; i < up; i++) await lp.read()
      for (let i = 0; i < down; i++) await lp.write(PAYLOAD)
      await A.closeWrite(stream)
    } catch (err) {
      emit({ type: 'handler-error', protocol: LP_PROTOCOL, error: errorInfo(err) })
      stream.abort(err)
    }
  }
}

export async function registerStyleHandlers (A, node, emit) {
  await node.handle(LP_PROTOCOL, lpHandler(A, emit), STREAM_LIMITS)
}

async function readForAwait (stream) {
  let bytes = 0
  for await (const chunk of stream) bytes += chunk.byteLength
  return bytes
}

async function readEvents (stream) {
  return new Promise((resolve, reject) => {
    let bytes = 0
    stream.addEventListener('message', (evt) => { bytes += evt.data.byteLength })
    stream.addEventListener('remoteCloseWrite', () => { resolve(bytes) })
    stream.addEventListener('close', (evt) => {
      if (evt.error != null) reject(evt.error)
      else resolve(bytes)
    })
  })
}

async function readPipe (A, stream) {
  return A.pipe(stream, async (source) => {
    let bytes = 0
    for await (const chunk of source) bytes += chunk.byteLength
    return bytes
  })
}

async function writeSendOnDrain (stream, total) {
  for (let left = total; left > 0; left -= CHUNK_BYTES) {
    if (!stream.send(left >= CHUNK_BYTES ? PAYLOAD : PAYLOAD.subarray(0, left))) await stream.onDrain()
  }
}

async function writeSink (stream, total) {
  if (typeof stream.sink !== 'function') return false
  await stream.sink((function * () {
    for (let left = total; left > 0; left -= CHUNK_BYTES) yield left >= CHUNK_BYTES ? PAYLOAD : PAYLOAD.subarray(0, left)
  })())
  return true
}

/** one measured transfer: wall time and this process's CPU; null when the stack lacks the style */
async function measure (bytes, fn) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const done = await fn()
  if (done === false) return null
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { bytes, ms, cpuUs: cpu.user + cpu.system }
}

async function readStyle (A, connection, style, bytes) {
  const messages = Math.ceil(bytes / CHUNK_BYTES)
  if (style === 'lp') {
    return measure(messages * CHUNK_BYTES, async () => {
      const stream = await connection.newStream(LP_PROTOCOL, NEW_STREAM_OPTIONS)
      const lp = A.lpStream(stream)
      await lp.write(lpHeader(0, messages))
      for (let i = 0; i < messages; i++) await lp.read()
      await A.closeWrite(stream)
    })
  }
  return measure(bytes, async () => {
    const stream = await connection.newStream(PERF_PROTOCOL, NEW_STREAM_OPTIONS)
    stream.send(perfHeader(bytes))
    await A.closeWrite(stream)
    const got = style === 'for-await' ? await readForAwait(stream) : style === 'events' ? await readEvents(stream) : await readPipe(A, stream)
    if (got !== bytes) throw new Error(`${style}: expected ${bytes} bytes, read ${got}`)
  })
}

async function writeStyle (A, connection, style, bytes) {
  const messages = Math.ceil(bytes / CHUNK_BYTES)
  if (style === 'lp') {
    return measure(messages * CHUNK_BYTES, async () => {
      const stream = await connection.newStream(LP_PROTOCOL, NEW_STREAM_OPTIONS)
      const lp = A.lpStream(stream)
      await lp.write(lpHeader(messages, 0))
      for (let i = 0; i < messages; i++) await lp.write(PAYLOAD)
      await A.closeWrite(stream)
      await readForAwait(stream)
    })
  }
  return measure(bytes, async () => {
    const stream = await connection.newStream(PERF_PROTOCOL, NEW_STREAM_OPTIONS)
    stream.send(perfHeader(0))
    if (style === 'sink') {
      if (!await writeSink(stream, bytes)) {
        stream.abort(new Error('no sink'))
        return false
      }
    } else {
      await writeSendOnDrain(stream, bytes)
      await A.closeWrite(stream)
    }
    await readForAwait(stream)
  })
}

/** every style once, `bytes` each, after one warm-up transfer; the client scenario's result */
export async function runStyles (A, connection, { bytes, warmupBytes = 0 }) {
  if (warmupBytes > 0) await readStyle(A, connection, 'for-await', warmupBytes)
  const read = {}
  for (const style of READ_STYLES) read[style] = await readStyle(A, connection, style, bytes)
  const write = {}
  for (const style of WRITE_STYLES) write[style] = await writeStyle(A, connection, style, bytes)
  return { read, write }
}
