import { concat } from 'uint8arrays/concat'

/** One contiguous buffer for signing: a Uint8Array as is, an iterable of chunks (e.g. a Uint8ArrayList) concatenated */
export function toBytes (data: Uint8Array | Iterable<Uint8Array>): Uint8Array {
  if (data instanceof Uint8Array) {
    return data
  }

  return concat([...data])
}

/** A view with an ArrayBuffer (not SharedArrayBuffer) backing, as WebCrypto's BufferSource wants */
export function toArrayBufferView (buf: Uint8Array): Uint8Array<ArrayBuffer> {
  if (buf.buffer instanceof ArrayBuffer) {
    return buf as Uint8Array<ArrayBuffer>
  }

  return new Uint8Array(buf)
}
