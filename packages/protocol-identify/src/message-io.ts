import { InvalidMessageError, MessageTooLargeError } from '@libp2p/interface'
import { decodeVarint, lpEncode } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { Identify } from './pb/message.js'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

export interface ReadIdentifyOptions extends AbortOptions {
  /** the largest length-prefixed message accepted (MessageTooLargeError past it) */
  maxMessageSize: number
  /** the most length-prefixed messages accepted before EOF (MessageTooLargeError past it) */
  maxMessages: number
}

/**
 * Protobuf merge of identify messages: fields set later replace earlier ones, repeated fields are
 * concatenated. go-libp2p sends an identify message larger than 2 KiB as two messages (the signed
 * peer record alone in the second), and this node splits a large one in up to 9 (splitIdentify),
 * which this puts back together.
 */
export function mergeIdentify (into: Identify, next: Identify): Identify {
  return {
    protocolVersion: next.protocolVersion ?? into.protocolVersion,
    agentVersion: next.agentVersion ?? into.agentVersion,
    publicKey: next.publicKey ?? into.publicKey,
    listenAddrs: [...into.listenAddrs, ...next.listenAddrs],
    observedAddr: next.observedAddr ?? into.observedAddr,
    protocols: [...into.protocols, ...next.protocols],
    signedPeerRecord: next.signedPeerRecord ?? into.signedPeerRecord
  }
}

function decodeIdentify (bytes: Uint8ArrayList): Identify {
  try {
    return Identify.decode(bytes)
  } catch (err: any) {
    throw new InvalidMessageError(`identify message does not decode: ${err?.message ?? err}`, { cause: err })
  }
}

/**
 * Read length-prefixed identify messages until the remote closes its write side, and merge them.
 * A message may arrive over many chunks; a length prefix over `maxMessageSize` is refused before
 * its body is read.
 *
 * Throws MessageTooLargeError for a message over maxMessageSize or more than maxMessages
 * messages; InvalidMessageError for bytes that do not decode, a truncated message or no message
 * at all; the stream's error or the signal's reason if either ends the read first.
 */
export async function readIdentify (stream: MessageStream, options: ReadIdentifyOptions): Promise<Identify> {
  const buffer = new Uint8ArrayList()
  let merged: Identify | undefined
  let count = 0

  while (true) {
    const chunk = await stream.read(options)

    if (chunk == null) {
      if (buffer.byteLength > 0) {
        throw new InvalidMessageError(`stream ended inside an identify message (${buffer.byteLength} bytes left over)`)
      }
      if (merged == null) {
        throw new InvalidMessageError('stream ended before an identify message')
      }
      return merged
    }

    buffer.append(chunk)

    while (true) {
      const prefix = decodeVarint(buffer)
      if (prefix == null) { break }
      if (prefix.value > options.maxMessageSize) {
        throw new MessageTooLargeError(`identify message of ${prefix.value} bytes is over the maxMessageSize=${options.maxMessageSize} limit`)
      }
      if (buffer.byteLength < prefix.bytes + prefix.value) { break }
      if (++count > options.maxMessages) {
        throw new MessageTooLargeError(`identify sent in more than maxMessages=${options.maxMessages} messages`)
      }
      const message = decodeIdentify(buffer.sublist(prefix.bytes, prefix.bytes + prefix.value))
      buffer.consume(prefix.bytes + prefix.value)
      merged = merged == null ? message : mergeIdentify(merged, message)
    }
  }
}

/**
 * Send identify messages, each length-prefixed (the parts splitIdentify made, or one message),
 * waiting for the stream to drain if it asks to
 */
export async function writeIdentify (stream: MessageStream, messages: Identify | Identify[], options?: AbortOptions): Promise<void> {
  const bytes = new Uint8ArrayList()
  for (const message of Array.isArray(messages) ? messages : [messages]) {
    bytes.append(lpEncode(Identify.encode(message)))
  }
  if (!stream.send(bytes)) {
    await stream.onDrain(options)
  }
}
