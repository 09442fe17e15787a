import { COALESCE_CHUNK_MAX_BYTES, MAX_SEND_MESSAGE_BYTES } from './constants.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Cuts queued bytes into WebSocket messages: a chunk of COALESCE_CHUNK_MAX_BYTES or more goes out
 * as its own message without a copy (split if it is over `maxBytes`); runs of smaller chunks are
 * copied into one message of at most `maxBytes`, so many small writes cost one frame.
 */
export function * toMessages (data: Uint8ArrayList, maxBytes = MAX_SEND_MESSAGE_BYTES): Generator<Uint8Array, void, undefined> {
  let group: Uint8Array[] = []
  let groupBytes = 0

  const flush = function * (): Generator<Uint8Array, void, undefined> {
    if (group.length === 1) {
      yield group[0]
    } else if (group.length > 1) {
      const out = new Uint8Array(groupBytes)
      let offset = 0
      for (const chunk of group) {
        out.set(chunk, offset)
        offset += chunk.byteLength
      }
      yield out
    }
    group = []
    groupBytes = 0
  }

  for (const chunk of data) {
    if (chunk.byteLength === 0) { continue }
    if (chunk.byteLength >= COALESCE_CHUNK_MAX_BYTES) {
      yield * flush()
      for (let offset = 0; offset < chunk.byteLength; offset += maxBytes) {
        yield offset === 0 && chunk.byteLength <= maxBytes ? chunk : chunk.subarray(offset, offset + maxBytes)
      }
      continue
    }
    if (groupBytes + chunk.byteLength > maxBytes) { yield * flush() }
    group.push(chunk)
    groupBytes += chunk.byteLength
  }
  yield * flush()
}

/** bytes of a received message: binary as a plain Uint8Array view (no copy), text as its UTF-8 bytes */
const encoder = new TextEncoder()
export function messageBytes (data: ArrayBuffer | ArrayBufferView | string): Uint8Array {
  if (typeof data === 'string') { return encoder.encode(data) }
  if (data instanceof ArrayBuffer) { return new Uint8Array(data) }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
