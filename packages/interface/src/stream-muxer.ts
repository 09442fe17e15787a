import type { AbortOptions } from './abort-options.js'
import type { TypedEventTarget } from './events.js'
import type { MessageStream, Stream, Direction } from './stream.js'

export interface CreateStreamOptions extends AbortOptions {
  /** the protocol the stream will carry, for muxers that label streams (WebRTC data channels) */
  protocol?: string
}

export interface StreamMuxerEvents {
  /** the remote opened a stream */
  stream: CustomEvent<Stream>
  close: CustomEvent<{ error?: Error }>
}

export type StreamMuxerStatus = 'open' | 'closing' | 'closed'

/**
 * Many streams over one connection. A transport with native streams (WebRTC data channels)
 * implements this directly over its channels instead of over a byte stream.
 */
export interface StreamMuxer extends TypedEventTarget<StreamMuxerEvents> {
  readonly protocol: string
  readonly status: StreamMuxerStatus
  readonly streams: Stream[]
  /** open an outbound stream; fails with LimitExceededError past the muxer's stream limit */
  createStream(options?: CreateStreamOptions): Stream | Promise<Stream>
  /** graceful: stop accepting streams (GoAway where the protocol has it), close existing ones, then the underlying connection */
  close(options?: AbortOptions): Promise<void>
  /** at once; streams are reset */
  abort(err: Error): void
}

export interface StreamMuxerInit {
  direction: Direction
}

/** What muxer plugins export; chosen by multistream-select on `protocol` */
export interface StreamMuxerFactory {
  readonly protocol: string
  createStreamMuxer(connection: MessageStream, init: StreamMuxerInit): StreamMuxer
}
