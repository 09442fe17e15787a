import { HEADER_LENGTH_BYTES, YAMUX_VERSION } from './constants.js'

/** frame types (header byte 1) */
export const FrameType = {
  Data: 0,
  WindowUpdate: 1,
  Ping: 2,
  GoAway: 3
} as const
export type FrameTypeValue = typeof FrameType[keyof typeof FrameType]

/** flag bits (header bytes 2-3) */
export const Flag = {
  SYN: 0x1,
  ACK: 0x2,
  FIN: 0x4,
  RST: 0x8
} as const

/** GoAway codes (the length field of a GoAway frame) */
export const GoAwayCode = {
  Normal: 0,
  ProtocolError: 1,
  InternalError: 2
} as const

/**
 * A decoded header. `length` is the payload length for Data, the window delta for
 * WindowUpdate, the opaque value for Ping and the code for GoAway.
 */
export interface FrameHeader {
  type: FrameTypeValue
  flags: number
  streamId: number
  length: number
}

// headers are carved from a shared slab: one small view per frame, one backing store per 512 frames.
// A view stays valid after the slab is replaced, so the connection may hold headers as long as it likes.
const SLAB_BYTES = HEADER_LENGTH_BYTES * 512
let slab = new Uint8Array(SLAB_BYTES)
let slabOffset = 0

/** the 12 header bytes, big endian, version 0 */
export function encodeHeader (type: FrameTypeValue, flags: number, streamId: number, length: number): Uint8Array {
  if (slabOffset === SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES)
    slabOffset = 0
  }
  const o = slabOffset
  const h = slab.subarray(o, o + HEADER_LENGTH_BYTES)
  slabOffset += HEADER_LENGTH_BYTES
  h[0] = YAMUX_VERSION
  h[1] = type
  h[2] = flags >>> 8
  h[3] = flags
  h[4] = streamId >>> 24
  h[5] = streamId >>> 16
  h[6] = streamId >>> 8
  h[7] = streamId
  h[8] = length >>> 24
  h[9] = length >>> 16
  h[10] = length >>> 8
  h[11] = length
  return h
}

/** a readable name for logs */
export function frameName (type: number): string {
  return ['Data', 'WindowUpdate', 'Ping', 'GoAway'][type] ?? `type ${type}`
}
