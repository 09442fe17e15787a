// Stream helpers for ours-peer.mjs, on our stream API (docs/STREAMS.md): read() → chunk | null at
// EOF, send() → boolean + onDrain(), closeWrite(), abort(err), a 'close' event with detail.error.
import { createHash } from 'node:crypto'
import { hashUpdate } from '../js-peer/payload.mjs'

export class TimeoutError extends Error {
  static name = 'TimeoutError'
  name = 'TimeoutError'
}

export function errorInfo (err) {
  return { name: err?.name ?? 'Error', message: err?.message ?? String(err) }
}

export function withTimeout (promise, ms, what, ErrorClass = TimeoutError) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new ErrorClass(`timed out after ${ms} ms: ${what}`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

export const FINAL = new Set(['closed', 'aborted', 'reset'])

export function closeError (evt) {
  return evt?.detail?.error ?? evt?.error
}

/** Resolves with { status, error? } once the stream's status is final */
export function waitClosed (stream, signal) {
  if (FINAL.has(stream.status)) return Promise.resolve({ status: stream.status })
  return new Promise((resolve, reject) => {
    const onClose = (evt) => {
      signal?.removeEventListener('abort', onAbort)
      const err = closeError(evt)
      resolve({ status: stream.status, error: err != null ? errorInfo(err) : undefined })
    }
    const onAbort = () => {
      stream.removeEventListener('close', onClose)
      reject(signal.reason)
    }
    stream.addEventListener('close', onClose, { once: true })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Reads to EOF; onChunk(data) may return a promise, awaited before the next read. */
export async function readAll (stream, onChunk, signal) {
  const hash = createHash('sha256')
  let bytes = 0
  while (true) {
    const data = await stream.read({ signal })
    if (data == null) break
    bytes += data.byteLength
    hashUpdate(hash, data)
    await onChunk?.(data)
  }
  return { bytes, sha256: hash.digest('hex') }
}

export async function sendAll (stream, chunks, signal) {
  const hash = createHash('sha256')
  let bytes = 0
  for (const chunk of chunks) {
    signal?.throwIfAborted()
    hash.update(chunk)
    bytes += chunk.byteLength
    if (!stream.send(chunk)) await stream.onDrain({ signal })
  }
  return { bytes, sha256: hash.digest('hex') }
}

export const ECHO_PIECE_BYTES = 256 * 1024

/** The bytes of a Uint8Array or Uint8ArrayList as views of at most max bytes (no copies) */
export function * pieces (data, max) {
  for (const buf of data instanceof Uint8Array ? [data] : data) {
    for (let i = 0; i < buf.byteLength; i += max) yield buf.subarray(i, Math.min(i + max, buf.byteLength))
  }
}

export function outcomeOf (stream, err) {
  if (err == null) return 'eof'
  if (stream.status === 'reset' || err.name === 'StreamResetError') return 'reset'
  return stream.status === 'aborted' ? 'aborted' : 'error'
}

export async function pool (n, limit, fn) {
  const results = new Array(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      results[i] = await fn(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
  return results
}
