import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/** SHA-256 of one buffer or of a sequence of chunks, synchronously (`@noble/hashes`) */
export function sha256 (data: Uint8Array | Iterable<Uint8Array>): Uint8Array {
  if (data instanceof Uint8Array) {
    return nobleSha256(data)
  }

  const hash = nobleSha256.create()

  for (const chunk of data) {
    hash.update(chunk)
  }

  return hash.digest()
}
