import { encodeVarintInto, varintLength } from '@libp2p/utils'
import type { Message } from './pb/message.js'
import type { Uint8ArrayList } from 'uint8arraylist'

const FLAG_VALUES: Record<Message.Flag, number> = { FIN: 0, STOP_SENDING: 1, RESET_STREAM: 2, FIN_ACK: 3 }
/** field 1 (flag), varint */
const FLAG_TAG = 0x08
/** field 2 (message), length-delimited */
const MESSAGE_TAG = 0x12

/**
 * One channel message: the varint length prefix and a `Message` with an optional flag and
 * payload, in one buffer (RTCDataChannel.send() takes one). Written by hand rather than with the
 * generated encoder to copy the payload once (a list is copied chunk by chunk, never joined first).
 */
export function encodeFrame (flag?: Message.Flag, payload?: Uint8Array | Uint8ArrayList): Uint8Array<ArrayBuffer> {
  let bodyLength = 0
  if (flag !== undefined) { bodyLength += 2 }
  if (payload !== undefined) { bodyLength += 1 + varintLength(payload.byteLength) + payload.byteLength }
  const frame = new Uint8Array(varintLength(bodyLength) + bodyLength)
  let at = encodeVarintInto(bodyLength, frame)
  if (flag !== undefined) {
    frame[at++] = FLAG_TAG
    frame[at++] = FLAG_VALUES[flag]
  }
  if (payload !== undefined) {
    frame[at++] = MESSAGE_TAG
    at += encodeVarintInto(payload.byteLength, frame, at)
    if (payload instanceof Uint8Array) {
      frame.set(payload, at)
    } else {
      for (const chunk of payload) {
        frame.set(chunk, at)
        at += chunk.byteLength
      }
    }
  }
  return frame
}
