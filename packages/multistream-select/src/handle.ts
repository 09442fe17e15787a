import { LimitExceededError, UnsupportedProtocolError } from '@libp2p/interface'
import { abortAfter } from '@libp2p/utils'
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_MESSAGE_BYTES, LIST } from './constants.js'
import { MessageReader, readHeader } from './message-reader.js'
import { HEADER_BYTES, NOT_AVAILABLE_BYTES, checkProtocols, concat, quote, encodeList, encodeSelected } from './messages.js'
import { negotiationTimeout, setProtocol } from './select.js'
import { abortReason } from './signals.js'
import type { AbortOptions, Logger, MessageStream } from '@libp2p/interface'

export interface HandleOptions extends AbortOptions {
  /** where to log the negotiation; the stream's own logger by default */
  log?: Logger
  /** bytes: refuse longer messages from the remote (MessageTooLargeError); default DEFAULT_MAX_MESSAGE_BYTES */
  maxDataLength?: number
  /** proposals and `ls` requests answered before giving up (LimitExceededError); default DEFAULT_MAX_ATTEMPTS */
  maxAttempts?: number
  /**
   * Abort the stream with TimeoutError if the negotiation takes longer (ms). Cheaper than a
   * signal from AbortSignal.timeout(): deadlines share one timer per duration.
   */
  timeout?: number
}

/**
 * The listener's side of multistream-select: answer the remote's header, refuse (`na`) the
 * proposals not in `protocols`, answer `ls` with the list, and echo the first supported proposal.
 *
 * Resolves with the same stream, its `protocol` set to the chosen one. Bytes that arrived behind
 * the proposal (an optimistic dialer sends its first data with it) are put back in the stream's
 * read buffer, so the application reads them first. Answers to messages that arrived together
 * leave together, and the header goes out with the first answer.
 *
 * On any failure (bad input, too many attempts, the remote giving up, the signal, which is how a
 * caller bounds the negotiation in time) the stream is aborted with the error that is thrown.
 */
export async function handle<S extends MessageStream> (stream: S, protocols: string | string[], options: HandleOptions = {}): Promise<S & { protocol: string }> {
  const supported = checkProtocols(protocols)
  const maxDataLength = options.maxDataLength ?? DEFAULT_MAX_MESSAGE_BYTES
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const log = options.log ?? stream.log
  const reader = new MessageReader(stream, maxDataLength)
  let queued: Uint8Array[] = []
  const refused: string[] = []
  const readOptions = {
    signal: options.signal,
    beforeWait: () => {
      if (queued.length > 0) {
        stream.send(concat(queued))
        queued = []
      }
    },
    endError: () => refused.length > 0
      ? new UnsupportedProtocolError(`the remote gave up after proposing only unsupported protocols: ${refused.map(quote).join(', ')}`)
      : undefined
  }

  const deadline = options.timeout != null && options.timeout > 0 ? abortAfter(stream, options.timeout, negotiationTimeout) : undefined
  try {
    if (options.signal?.aborted === true) {
      throw abortReason(options.signal)
    }
    await readHeader(reader, readOptions)
    queued.push(HEADER_BYTES)
    for (let attempt = 1; ; attempt++) {
      const message = await reader.read(readOptions)
      if (attempt > maxAttempts) {
        throw new LimitExceededError('maxAttempts', maxAttempts, 'multistream-select: the remote made too many proposals')
      }
      if (message === LIST) {
        if (log.enabled) { log('%s multistream-select: listing protocols', stream.id) }
        queued.push(encodeList(supported))
      } else if (supported.includes(message)) {
        queued.push(encodeSelected(message))
        readOptions.beforeWait()
        const rest = reader.take()
        if (rest.byteLength > 0) { stream.unshift(rest) }
        setProtocol(stream, message)
        if (log.enabled) { log('%s multistream-select: selected %s', stream.id, message) }
        return stream as S & { protocol: string }
      } else {
        if (log.enabled) { log('%s multistream-select: refusing %s', stream.id, quote(message)) }
        queued.push(NOT_AVAILABLE_BYTES)
        refused.push(message)
      }
    }
  } catch (err: any) {
    stream.abort(err)
    throw err
  } finally {
    deadline?.cancel()
  }
}
