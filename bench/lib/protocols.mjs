// The two protocols the scenarios use, written against the adapter in stacks.mjs:
//   /perf/1.0.0        shared/specs/libp2p/perf/perf.md: the client sends a big-endian uint64 (bytes
//                      it wants back), uploads, closes its write side; the server reads to EOF, then
//                      sends that many bytes and closes its write side.
//   /bench/echo/1.0.0  echoes every chunk; closes its write side after the remote's EOF.
import { errorInfo } from './child-io.mjs'
import { STREAM_LIMITS } from './stacks.mjs'

export const PERF_PROTOCOL = '/perf/1.0.0'
export const ECHO_PROTOCOL = '/bench/echo/1.0.0'
export const CHUNK_BYTES = 64 * 1024
export const NEW_STREAM_OPTIONS = { maxOutboundStreams: STREAM_LIMITS.maxOutboundStreams }

const FILL_BYTE = 0x5a
/** one payload chunk, sent again and again; never written after creation */
const FILL = new Uint8Array(CHUNK_BYTES).fill(FILL_BYTE)
const ONE_BYTE = new Uint8Array([1])

/** false if a stack wrote into a buffer it was given to send (it must not) */
export function payloadIntact () {
  for (let i = 0; i < FILL.length; i++) if (FILL[i] !== FILL_BYTE) return false
  return true
}

export async function sendBytes (A, stream, total) {
  let left = total
  while (left > 0) {
    const n = Math.min(left, CHUNK_BYTES)
    left -= n
    if (!stream.send(n === CHUNK_BYTES ? FILL : FILL.subarray(0, n))) await A.drain(stream)
  }
}

async function readToEnd (stream) {
  let bytes = 0
  for await (const chunk of stream) bytes += chunk.byteLength
  return bytes
}

export function perfHandler (A, emit) {
  return async (stream) => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    try {
      const header = new Uint8Array(8)
      let headerBytes = 0
      let received = 0
      for await (const chunk of stream) {
        let skip = 0
        if (headerBytes < 8) {
          skip = Math.min(8 - headerBytes, chunk.byteLength)
          header.set(chunk.subarray(0, skip), headerBytes)
          headerBytes += skip
        }
        received += chunk.byteLength - skip
      }
      if (headerBytes < 8) throw new Error(`perf: EOF after ${headerBytes} header bytes`)
      const toSend = Number(new DataView(header.buffer).getBigUint64(0))
      await sendBytes(A, stream, toSend)
      await A.closeWrite(stream)
      const cpu = process.cpuUsage(cpu0)
      emit({ type: 'perf-done', received, sent: toSend, cpuUs: cpu.user + cpu.system, ms: performance.now() - t0 })
    } catch (err) {
      emit({ type: 'handler-error', protocol: PERF_PROTOCOL, error: errorInfo(err) })
      stream.abort(err)
    }
  }
}

export function echoHandler (A, emit) {
  return async (stream) => {
    try {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) await A.drain(stream)
      }
      await A.closeWrite(stream)
    } catch (err) {
      emit({ type: 'handler-error', protocol: ECHO_PROTOCOL, error: errorInfo(err) })
      stream.abort(err)
    }
  }
}

export async function registerHandlers (A, node, emit) {
  await node.handle(PERF_PROTOCOL, perfHandler(A, emit), STREAM_LIMITS)
  await node.handle(ECHO_PROTOCOL, echoHandler(A, emit), STREAM_LIMITS)
}

/** one perf exchange on a new stream; returns wall time and this process's CPU for it */
export async function perfExchange (A, connection, uploadBytes, downloadBytes) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const stream = await connection.newStream(PERF_PROTOCOL, NEW_STREAM_OPTIONS)
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(downloadBytes))
  if (!stream.send(header)) await A.drain(stream)
  await sendBytes(A, stream, uploadBytes)
  await A.closeWrite(stream)
  const got = await readToEnd(stream)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (got !== downloadBytes) throw new Error(`perf: expected ${downloadBytes} bytes back, got ${got}`)
  return { ms, cpuUs: cpu.user + cpu.system }
}

/** open a stream, send one byte, close the write side, read the echo to EOF */
export async function echoOneByte (A, connection) {
  const stream = await connection.newStream(ECHO_PROTOCOL, NEW_STREAM_OPTIONS)
  stream.send(ONE_BYTE)
  await A.closeWrite(stream)
  const got = await readToEnd(stream)
  if (got !== 1) throw new Error(`echo: expected 1 byte back, got ${got}`)
}

/** open a stream, send one byte, wait for the first echoed byte (the stream is left open) */
export async function firstEcho (A, connection) {
  const stream = await connection.newStream(ECHO_PROTOCOL, NEW_STREAM_OPTIONS)
  stream.send(ONE_BYTE)
  for await (const chunk of stream) {
    if (chunk.byteLength > 0) return stream
  }
  throw new Error('echo: EOF before the first byte')
}
