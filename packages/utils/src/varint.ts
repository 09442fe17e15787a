import { InvalidMessageError } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** Unsigned LEB128 as multiformats' unsigned-varint; we never accept more than 2^53-1 (JS safe integers) */
export const MAX_VARINT_BYTES = 8

export function varintLength (value: number): number {
  if (value < 0x80) { return 1 }
  if (value < 0x4000) { return 2 }
  if (value < 0x200000) { return 3 }
  if (value < 0x10000000) { return 4 }
  let n = 4
  let v = Math.floor(value / 0x10000000)
  while (v > 0) { n++; v = Math.floor(v / 0x80) }
  return n
}

/** write `value` into `buf` at `offset` (buf must have room); returns the number of bytes written */
export function encodeVarintInto (value: number, buf: Uint8Array, offset = 0): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidMessageError(`cannot encode ${value} as an unsigned varint`)
  }
  let i = offset
  while (value >= 0x80) {
    buf[i++] = (value & 0x7f) | 0x80
    value = value >= 0x80000000 ? Math.floor(value / 0x80) : value >>> 7
  }
  buf[i++] = value
  return i - offset
}

export function encodeVarint (value: number): Uint8Array<ArrayBuffer> {
  const buf = new Uint8Array(varintLength(value))
  encodeVarintInto(value, buf)
  return buf
}

export interface DecodedVarint {
  value: number
  /** bytes the varint occupied */
  bytes: number
}

/**
 * Decode a varint at `offset`. Returns undefined when the buffer ends before the varint does
 * (wait for more bytes); throws InvalidMessageError for an over-long or non-minimal encoding.
 */
export function decodeVarint (buf: Uint8Array | Uint8ArrayList, offset = 0): DecodedVarint | undefined {
  const get = buf instanceof Uint8Array ? (i: number) => buf[i] : (i: number) => buf.get(i)
  let value = 0
  let multiplier = 1
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    if (offset + i >= buf.byteLength) { return undefined }
    const byte = get(offset + i)
    value += (byte & 0x7f) * multiplier
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) {
        throw new InvalidMessageError('varint is not minimally encoded')
      }
      if (!Number.isSafeInteger(value)) {
        throw new InvalidMessageError('varint is larger than 2^53-1')
      }
      return { value, bytes: i + 1 }
    }
    multiplier *= 0x80
  }
  throw new InvalidMessageError(`varint is longer than ${MAX_VARINT_BYTES} bytes`)
}
