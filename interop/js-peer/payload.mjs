// Deterministic test payloads, shared by the js peer and the test harness (no dependencies).
//
// payloadChunks(seed, bytes) yields `bytes` pseudo-random bytes derived from the string `seed`
// (AES-128-CTR keystream keyed by sha256(seed)), so two processes can agree on a payload and on its
// sha256 without sending it out of band. Chunks are fresh buffers: a stream may keep them queued.
import { createCipheriv, createHash } from 'node:crypto'

export const DEFAULT_CHUNK_BYTES = 64 * 1024

/**
 * @param {string} seed
 * @param {number} bytes
 * @param {number} [chunkBytes]
 * @returns {Generator<Uint8Array>}
 */
export function * payloadChunks (seed, bytes, chunkBytes = DEFAULT_CHUNK_BYTES) {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`bad payload length ${bytes}`)
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`bad chunk length ${chunkBytes}`)
  const key = createHash('sha256').update(`interop-payload:${seed}`).digest().subarray(0, 16)
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
  const zeros = Buffer.alloc(chunkBytes)
  for (let left = bytes; left > 0; left -= chunkBytes) {
    yield cipher.update(zeros.subarray(0, Math.min(chunkBytes, left)))
  }
}

/** sha256 (hex) of payloadChunks(seed, bytes) */
export function payloadSha256 (seed, bytes) {
  const hash = createHash('sha256')
  for (const chunk of payloadChunks(seed, bytes)) hash.update(chunk)
  return hash.digest('hex')
}

/**
 * Feeds a Uint8Array or a Uint8ArrayList-like (iterable of Uint8Array) into a hash
 * without concatenating it.
 */
export function hashUpdate (hash, data) {
  if (data instanceof Uint8Array) {
    hash.update(data)
  } else {
    for (const buf of data) hash.update(buf)
  }
}
