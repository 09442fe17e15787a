// Stream helpers and the test protocols' handlers for peer.mjs (js-libp2p 3.x stream API:
// send() → boolean + 'drain' event, 'message'/'end'/'close' events, pause()/resume(), close() =
// close the write side, abort(err) = reset).
import { createHash } from 'node:crypto'
import { hashUpdate, payloadChunks } from './payload.mjs'
import { HALF_CLOSE_GREETING_BYTES, HALF_CLOSE_GREETING_SEED } from './protocols.mjs'

/** above yamux's largest receive window (16 MiB), so a paused reader is never reset for buffering */
export const MAX_READ_BUFFER_BYTES = 64 * 1024 * 1024

/** writes one JSON line to stdout (the only thing peer.mjs writes there) */
export function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

export function errorInfo (err) {
  return { name: err?.name ?? 'Error', message: err?.message ?? String(err) }
}

export class CommandError extends Error {
  static name = 'CommandError'
  name = 'CommandError'
}

/**
 * Resolves once the stream can take more data; rejects if it closes first.
 * (Waits for the 'drain' event: js-libp2p 3's onDrain() latches after the first drain.)
 */
export function waitDrain (stream, signal) {
  if (!stream.writableNeedsDrain) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (err) => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
      if (err != null) reject(err)
      else resolve()
    }
    const onDrain = () => done()
    const onClose = (evt) => done(evt.error ?? new CommandError(`stream closed (${stream.status}) while waiting for drain`))
    const onAbort = () => done(signal.reason)
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}

/** Sends every chunk, honouring back-pressure. Returns { bytes, sha256 } of what was sent. */
export async function sendAll (stream, chunks, signal) {
  const hash = createHash('sha256')
  let bytes = 0
  for (const chunk of chunks) {
    signal?.throwIfAborted()
    hash.update(chunk)
    bytes += chunk.byteLength
    if (!stream.send(chunk)) await waitDrain(stream, signal)
  }
  return { bytes, sha256: hash.digest('hex') }
}

/**
 * Reads the stream to the remote's EOF. onChunk(data) may return a promise: the stream is paused
 * (no more window granted to the remote) until it settles. Resolves with { bytes, sha256 } at EOF,
 * rejects with the stream's error on reset/abort or with the signal's reason.
 */
export function consume (stream, onChunk, signal) {
  const hash = createHash('sha256')
  let bytes = 0
  let pending = Promise.resolve()
  return new Promise((resolve, reject) => {
    let settled = false
    const cleanup = () => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const fail = (err) => {
      if (settled) return
      settled = true
      cleanup()
      reject(err)
    }
    const finish = () => {
      if (settled) return
      pending.then(() => {
        if (settled) return
        settled = true
        cleanup()
        resolve({ bytes, sha256: hash.digest('hex') })
      }, fail)
    }
    const onMessage = (evt) => {
      const data = evt.data
      bytes += data.byteLength
      hashUpdate(hash, data)
      let r
      try {
        r = onChunk?.(data)
      } catch (err) {
        fail(err)
        return
      }
      if (r != null && typeof r.then === 'function') {
        if (stream.readStatus === 'readable') stream.pause()
        pending = pending.then(() => r).then(() => {
          if (stream.readStatus === 'paused') stream.resume()
        })
        pending.catch(fail)
      }
    }
    const onEnd = () => finish()
    const onClose = (evt) => {
      if (evt.error != null) fail(evt.error)
      else finish()
    }
    const onAbort = () => fail(signal.reason)
    stream.addEventListener('message', onMessage)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
    if (stream.readableEnded) finish()
  })
}

/** Resolves when the stream reaches a final status; resolves at once if it already has. */
export function waitClosed (stream, signal) {
  if (['closed', 'aborted', 'reset'].includes(stream.status)) return Promise.resolve({ status: stream.status })
  return new Promise((resolve, reject) => {
    const onClose = (evt) => {
      signal?.removeEventListener('abort', onAbort)
      resolve({ status: stream.status, local: evt.local, error: evt.error != null ? errorInfo(evt.error) : undefined })
    }
    const onAbort = () => {
      stream.removeEventListener('close', onClose)
      reject(signal.reason)
    }
    stream.addEventListener('close', onClose, { once: true })
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export function streamInfo (stream, connection) {
  return {
    protocol: stream.protocol,
    streamId: stream.id,
    direction: stream.direction,
    remotePeer: connection.remotePeer.toString(),
    connectionId: connection.id
  }
}

export function outcomeOf (stream, err) {
  if (err == null) return 'eof'
  if (stream.status === 'reset' || err.name === 'StreamResetError') return 'reset'
  return stream.status === 'aborted' ? 'aborted' : 'error'
}

// the test protocols (protocols.mjs)

export async function echoHandler (stream, connection) {
  stream.maxReadBufferLength = MAX_READ_BUFFER_BYTES
  const info = streamInfo(stream, connection)
  let bytesOut = 0
  try {
    const read = await consume(stream, (data) => {
      bytesOut += data.byteLength
      if (!stream.send(data)) return waitDrain(stream)
    })
    await stream.close()
    emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut, status: stream.status })
  } catch (err) {
    emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), bytesOut, status: stream.status, error: errorInfo(err) })
    stream.abort(err)
  }
}

export async function sinkHandler (stream, connection) {
  stream.maxReadBufferLength = MAX_READ_BUFFER_BYTES
  const info = streamInfo(stream, connection)
  try {
    const read = await consume(stream)
    await stream.close()
    emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut: 0, status: stream.status })
  } catch (err) {
    emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), status: stream.status, error: errorInfo(err) })
    stream.abort(err)
  }
}

export async function resetHandler (stream, connection) {
  const info = streamInfo(stream, connection)
  let bytesIn = 0
  try {
    await new Promise((resolve, reject) => {
      const onMessage = (evt) => {
        bytesIn += evt.data.byteLength
        stream.removeEventListener('message', onMessage)
        resolve()
      }
      stream.addEventListener('message', onMessage)
      stream.addEventListener('close', (evt) => reject(evt.error ?? new CommandError('closed before any data')), { once: true })
    })
    stream.abort(new CommandError('reset by /reset/1.0.0 handler'))
    emit({ event: 'stream', ...info, outcome: 'local-reset', bytesIn, status: stream.status })
  } catch (err) {
    emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), bytesIn, status: stream.status, error: errorInfo(err) })
  }
}

export async function halfCloseHandler (stream, connection) {
  stream.maxReadBufferLength = MAX_READ_BUFFER_BYTES
  const info = streamInfo(stream, connection)
  try {
    const reading = consume(stream)
    reading.catch(() => {})
    const sent = await sendAll(stream, payloadChunks(HALF_CLOSE_GREETING_SEED, HALF_CLOSE_GREETING_BYTES))
    await stream.close() // js-libp2p: close() = close our write side (FIN); reading continues
    const writeStatusAfterClose = stream.writeStatus
    const read = await reading
    emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut: sent.bytes, sha256Out: sent.sha256, writeStatusAfterClose, status: stream.status })
  } catch (err) {
    emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), status: stream.status, error: errorInfo(err) })
    stream.abort(err)
  }
}

/** Runs fn(i) for i in [0, n) with at most `limit` running at once. */
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
