import { ProtocolError, TimeoutError, UnsupportedProtocolError } from '@libp2p/interface'
import { abortAfter } from '@libp2p/utils'
import { DEFAULT_MAX_MESSAGE_BYTES, NOT_AVAILABLE, PROTOCOL_ID } from './constants.js'
import { MessageReader, parseMessage, readHeader } from './message-reader.js'
import { HEADER_BYTES, concat, quote, encodeProposals } from './messages.js'
import { abortReason } from './signals.js'
import type { Proposal } from './messages.js'
import type { AbortOptions, Logger, MessageStream, Multiaddr, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** a stream that can take a handshake reply before delivering data (AbstractMessageStream's expectReply) */
interface ReplyExpecting {
  expectReply(parse: (buffer: Uint8ArrayList) => number | undefined, onEnd: () => Error): Promise<void>
}

function canExpectReply (stream: MessageStream): stream is MessageStream & ReplyExpecting {
  return typeof (stream as Partial<ReplyExpecting>).expectReply === 'function'
}

export interface SelectOptions extends AbortOptions {
  /** where to log the negotiation; the stream's own logger by default */
  log?: Logger
  /**
   * With exactly one protocol, select() is optimistic unless this is true: it sends the proposal
   * and returns at once, and the confirmation is read before the first application read.
   */
  negotiateFully?: boolean
  /** bytes: refuse longer messages from the remote (MessageTooLargeError); default DEFAULT_MAX_MESSAGE_BYTES */
  maxDataLength?: number
  /**
   * Abort the stream with TimeoutError if the negotiation (with one protocol, the background read
   * of the remote's confirmation) takes longer (ms). Cheaper than a signal from
   * AbortSignal.timeout(): deadlines share one timer per duration.
   */
  timeout?: number
}

/** What select() returns: the same stream, with `protocol` set to the negotiated one */
export type Negotiated<S extends MessageStream> =
  S & (S extends Stream ? Stream : MessageStream & { protocol: string }) &
  (S extends { readonly remoteAddr: Multiaddr } ? { readonly remoteAddr: Multiaddr } : unknown)

/**
 * The dialer's side of multistream-select: propose `protocols` in order of preference until the
 * remote accepts one.
 *
 * The multistream header and the first proposal leave in one write. After a `na` the next
 * protocol is proposed; when all are refused the promise rejects with UnsupportedProtocolError.
 *
 * With exactly one protocol (and `negotiateFully` not set) the negotiation is optimistic: the
 * header and the proposal are sent and the stream is returned at once, so the caller's first
 * write follows the proposal without waiting a round trip. The stream takes the remote's
 * confirmation off the front of what arrives (`expectReply`) before anything is delivered; if
 * the remote refuses, the stream is aborted with UnsupportedProtocolError, which reads, writes and
 * close() then report. `options.signal` and `options.timeout` bound that wait too. A stream
 * without `expectReply` is negotiated fully.
 *
 * On any failure (refusal, bad input from the remote, the signal) the stream is aborted with
 * the error that is thrown: it is mid-negotiation and no use to anyone.
 */
export async function select<S extends MessageStream> (stream: S, protocols: string | string[], options: SelectOptions = {}): Promise<Negotiated<S>> {
  const maxDataLength = options.maxDataLength ?? DEFAULT_MAX_MESSAGE_BYTES
  const proposals = encodeProposals(protocols, maxDataLength)
  const log = options.log ?? stream.log

  try {
    if (options.signal?.aborted === true) {
      throw abortReason(options.signal)
    }
    if (proposals.length === 1 && options.negotiateFully !== true && canExpectReply(stream)) {
      const [{ protocol, bytes }] = proposals
      if (log.enabled) { log('%s multistream-select: optimistically proposing %s', stream.id, protocol) }
      const sent = concat([HEADER_BYTES, bytes])
      stream.send(sent)
      setProtocol(stream, protocol)
      expectConfirmation(stream, protocol, sent, maxDataLength, log, options)
      return stream as unknown as Negotiated<S>
    }
    const deadline = options.timeout != null && options.timeout > 0 ? abortAfter(stream, options.timeout, negotiationTimeout) : undefined
    try {
      const protocol = await negotiate(stream, proposals, maxDataLength, log, options)
      setProtocol(stream, protocol)
    } finally {
      deadline?.cancel()
    }
    return stream as unknown as Negotiated<S>
  } catch (err: any) {
    stream.abort(err)
    throw err
  }
}

async function negotiate (stream: MessageStream, proposals: Proposal[], maxDataLength: number, log: Logger, options: AbortOptions): Promise<string> {
  const reader = new MessageReader(stream, maxDataLength)
  if (log.enabled) { log('%s multistream-select: proposing %s', stream.id, proposals[0].protocol) }
  stream.send(concat([HEADER_BYTES, proposals[0].bytes]))
  await readHeader(reader, options)
  for (let i = 0; i < proposals.length; i++) {
    const { protocol, bytes } = proposals[i]
    if (i > 0) {
      if (log.enabled) { log('%s multistream-select: proposing %s', stream.id, protocol) }
      stream.send(bytes)
    }
    const answer = await reader.read(options)
    if (answer === protocol) {
      if (log.enabled) { log('%s multistream-select: selected %s', stream.id, protocol) }
      const rest = reader.take()
      if (rest.byteLength > 0) { stream.unshift(rest) }
      return protocol
    }
    if (answer !== NOT_AVAILABLE) {
      throw new ProtocolError(`expected ${quote(protocol)} or "na" in answer to a multistream-select proposal, got ${quote(answer)}`)
    }
    if (log.enabled) { log('%s multistream-select: %s refused', stream.id, protocol) }
  }
  throw new UnsupportedProtocolError(`the remote supports none of the proposed protocols: ${proposals.map(p => p.protocol).join(', ')}`)
}

/**
 * Take the header and the answer to an optimistic proposal off the front of what the stream
 * receives; a refusal, bad input, the signal or the timeout abort the stream.
 */
function expectConfirmation (stream: MessageStream & ReplyExpecting, protocol: string, sent: Uint8Array, maxDataLength: number, log: Logger, options: SelectOptions): void {
  const deadline = options.timeout != null && options.timeout > 0 ? abortAfter(stream, options.timeout, negotiationTimeout) : undefined
  const signal = options.signal
  const onAbort = (): void => { stream.abort(abortReason(signal as AbortSignal)) }
  signal?.addEventListener('abort', onAbort, { once: true })
  const parse = (buffer: Uint8ArrayList): number | undefined => {
    // a listener that accepts echoes the header and the proposal: the bytes sent, compared in
    // place without decoding two strings; anything else is parsed message by message
    if (startsWith(buffer, sent)) { return sent.byteLength }
    const header = parseMessage(buffer, 0, maxDataLength)
    if (header === undefined) { return undefined }
    if (header.message !== PROTOCOL_ID) {
      throw new ProtocolError(`expected the multistream-select header ${PROTOCOL_ID}, got ${quote(header.message)}`)
    }
    const answer = parseMessage(buffer, header.end, maxDataLength)
    if (answer === undefined) { return undefined }
    if (answer.message === protocol) { return answer.end }
    if (answer.message === NOT_AVAILABLE) {
      throw new UnsupportedProtocolError(`the remote does not support ${quote(protocol)}`)
    }
    throw new ProtocolError(`expected ${quote(protocol)} or "na" in answer to a multistream-select proposal, got ${quote(answer.message)}`)
  }
  const settled = (): void => {
    deadline?.cancel()
    signal?.removeEventListener('abort', onAbort)
  }
  stream.expectReply(parse, () => new ProtocolError('stream ended before multistream-select negotiation finished')).then(() => {
    settled()
    if (log.enabled) { log('%s multistream-select: %s confirmed', stream.id, protocol) }
  }, (err: Error) => {
    settled()
    log('%s multistream-select: optimistic proposal of %s failed - %s', stream.id, protocol, err.message)
  })
}

/** whether `buffer` begins with `prefix` (compared chunk by chunk, nothing copied) */
function startsWith (buffer: Uint8ArrayList, prefix: Uint8Array): boolean {
  if (buffer.byteLength < prefix.byteLength) { return false }
  let i = 0
  for (const chunk of buffer) {
    for (let j = 0; j < chunk.byteLength && i < prefix.byteLength; j++, i++) {
      if (chunk[j] !== prefix[i]) { return false }
    }
    if (i === prefix.byteLength) { return true }
  }
  return false
}

/** the error a negotiation that passed its timeout aborts its stream with */
export function negotiationTimeout (ms: number): Error {
  return new TimeoutError(`multistream-select negotiation did not finish within ${ms} ms`)
}

/** Streams carry their protocol; raw connections gain the field */
export function setProtocol (stream: MessageStream, protocol: string): void {
  (stream as MessageStream & { protocol?: string }).protocol = protocol
}
