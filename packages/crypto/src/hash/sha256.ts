import { createHash } from 'node:crypto'

/** SHA-256 of one buffer or of a sequence of chunks, synchronously (node:crypto) */
export function sha256 (data: Uint8Array | Iterable<Uint8Array>): Uint8Array {
  const hash = createHash('sha256')

  if (data instanceof Uint8Array) {
    hash.update(data)
  } else {
    for (const chunk of data) {
      hash.update(chunk)
    }
  }

  const digest = hash.digest()

  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}
