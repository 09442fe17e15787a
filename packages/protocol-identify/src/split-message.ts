import { varintLength } from '@libp2p/utils'
import {
  MAX_SENT_PART_BYTES, MAX_SENT_PARTS, MAX_SENT_RECORD_PART_BYTES, SINGLE_MESSAGE_BYTES
} from './constants.js'
import { Identify } from './pb/message.js'

/** what splitIdentify had to leave out to stay within the limits every reader accepts */
export interface LeftOut {
  listenAddrs: number
  protocols: number
  /** the signed peer record alone is over MAX_SENT_RECORD_PART_BYTES */
  signedPeerRecord: boolean
}

export interface SplitIdentify {
  parts: Identify[]
  leftOut?: LeftOut
}

const utf8 = new TextEncoder()

/** bytes one entry of a length-delimited field takes: tag (fields 1-15: one byte), length, body */
function fieldBytes (length: number): number {
  return 1 + varintLength(length) + length
}

/**
 * Our identify message as the length-prefixed messages to send, which the reader merges as
 * protobuf merges (singular fields: the last one set wins; repeated fields: concatenated).
 *
 * Up to SINGLE_MESSAGE_BYTES it goes as one message. Past it, the first part holds every singular
 * field (versions, public key, observed address) and then as many protocols, then listen
 * addresses, as fit in MAX_SENT_PART_BYTES; the rest of them follow in parts of the same size;
 * the signed peer record goes last, alone (the way go-libp2p splits). A reader that takes only
 * one message (rust-libp2p; js-libp2p before it read several) gets the first part: a complete
 * message, short of some addresses.
 *
 * At most MAX_SENT_PARTS parts: whatever does not fit (or a record too large to send) is
 * reported in `leftOut` and not sent.
 */
export function splitIdentify (message: Identify): SplitIdentify {
  if (Identify.encode(message).byteLength <= SINGLE_MESSAGE_BYTES) {
    return { parts: [message] }
  }

  const { signedPeerRecord, listenAddrs, protocols, ...singular } = message
  const leftOut: LeftOut = { listenAddrs: 0, protocols: 0, signedPeerRecord: false }
  const record = signedPeerRecord != null && fieldBytes(signedPeerRecord.byteLength) <= MAX_SENT_RECORD_PART_BYTES
    ? signedPeerRecord
    : undefined
  leftOut.signedPeerRecord = signedPeerRecord != null && record == null
  const maxBaseParts = MAX_SENT_PARTS - (record != null ? 1 : 0)

  const parts: Identify[] = [{ ...singular, listenAddrs: [], protocols: [] }]
  let used = Identify.encode(parts[0]).byteLength
  const add = (bytes: number, put: (part: Identify) => void): boolean => {
    if (bytes > MAX_SENT_PART_BYTES) { return false }
    if (used + bytes > MAX_SENT_PART_BYTES) {
      if (parts.length >= maxBaseParts) { return false }
      parts.push({ listenAddrs: [], protocols: [] })
      used = 0
    }
    put(parts[parts.length - 1])
    used += bytes
    return true
  }
  for (const protocol of protocols) {
    if (!add(fieldBytes(utf8.encode(protocol).byteLength), part => { part.protocols.push(protocol) })) {
      leftOut.protocols++
    }
  }
  for (const addr of listenAddrs) {
    if (!add(fieldBytes(addr.byteLength), part => { part.listenAddrs.push(addr) })) {
      leftOut.listenAddrs++
    }
  }
  if (record != null) {
    parts.push({ listenAddrs: [], protocols: [], signedPeerRecord: record })
  }
  const complete = leftOut.listenAddrs === 0 && leftOut.protocols === 0 && !leftOut.signedPeerRecord
  return complete ? { parts } : { parts, leftOut }
}
