import { InvalidMessageError } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import * as Digest from 'multiformats/hashes/digest'
import { MAX_MESSAGE_ADDRS, MAX_MESSAGE_BYTES } from './constants.js'
import { HopMessage, StopMessage } from './pb/circuit.js'
import type { Limit, Peer } from './pb/circuit.js'
import type { AbortOptions, ConnectionLimits, MessageStream, PeerId } from '@libp2p/interface'
import type { HandshakeStream, ProtobufDecoder } from '@libp2p/utils'

const decodeLimits = { peer: { addrs: MAX_MESSAGE_ADDRS }, reservation: { addrs: MAX_MESSAGE_ADDRS } }

/** HopMessage decoder: at most MAX_MESSAGE_ADDRS addresses per list, unknown enum values refused */
export const hopCodec: { decode: ProtobufDecoder<HopMessage> } = {
  decode: (buf) => HopMessage.decode(buf, { limits: decodeLimits })
}

/** StopMessage decoder with the same bounds */
export const stopCodec: { decode: ProtobufDecoder<StopMessage> } = {
  decode: (buf) => StopMessage.decode(buf, { limits: decodeLimits })
}

/**
 * Reads one length-prefixed message: MessageTooLargeError past MAX_MESSAGE_BYTES,
 * InvalidMessageError for bytes that do not decode or a message without a type
 */
export async function readMessage<T extends { type?: unknown }> (bytes: HandshakeStream<MessageStream>, codec: { decode: ProtobufDecoder<T> }, options: AbortOptions): Promise<T> {
  const message = await bytes.readPB(codec, { ...options, maxDataLength: MAX_MESSAGE_BYTES })
  if (message.type == null) {
    throw new InvalidMessageError('the message has no type')
  }
  return message
}

/** the peer id in a Peer message; InvalidMessageError when it is missing or not a peer id */
export function peerIdFromPeer (peer: Peer | undefined): PeerId {
  if (peer?.id == null) {
    throw new InvalidMessageError('the message names no peer')
  }
  try {
    return peerIdFromMultihash(Digest.decode(peer.id))
  } catch (err: any) {
    throw new InvalidMessageError(`the peer id is not valid: ${err?.message ?? err}`)
  }
}

/** the wire Limit as connection limits; undefined when the relay sent none (no limit) */
export function limitsFromMessage (limit: Limit | undefined): ConnectionLimits | undefined {
  if (limit == null) { return undefined }
  const out: ConnectionLimits = {}
  if (limit.data != null && limit.data > 0n) { out.bytes = limit.data }
  if (limit.duration != null && limit.duration > 0) { out.seconds = limit.duration }
  return out
}
