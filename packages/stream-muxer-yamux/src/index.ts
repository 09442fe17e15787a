/**
 * @packageDocumentation
 *
 * The yamux stream multiplexer (`/yamux/1.0.0`, https://github.com/libp2p/specs/tree/master/yamux),
 * wire-compatible with go-libp2p, rust-libp2p and js-libp2p.
 *
 * ```ts
 * import { yamux } from '@chainsafe/libp2p-yamux'
 *
 * const node = await createLibp2p({ streamMuxers: [yamux({ maxStreamWindowSize: 32 * 1024 * 1024 })], ... })
 * ```
 *
 * - Flow control: window credit goes back to the sender as the application reads, not as data
 *   arrives, in one update per half window. Each stream's window starts at the spec's 256 KiB and
 *   doubles whenever, at the rate the application consumes, a whole window would be used within two
 *   round trips (RTT measured with yamux pings), up to `maxStreamWindowSize` (16 MiB by default).
 *   Unread data per stream never exceeds its window. The growth of all windows of a connection
 *   together is bounded by `maxConnectionWindowSize` (16 MiB by default), given back as streams end,
 *   so a connection holds at most open streams x 256 KiB + 16 MiB of unread data.
 * - Limits (defaults in constants.ts): `maxInboundStreams` (a SYN past it is reset),
 *   `maxOutboundStreams` (createStream() throws LimitExceededError), at most 256 unacknowledged
 *   outbound streams (createStream() then waits), `maxMessageSize` per data frame,
 *   `maxStreamWriteBufferSize` per stream, and a bound on replies queued for a remote that does not read.
 * - A remote that breaks the protocol (bad version or type, data beyond the window, a reused or
 *   wrong-parity id, frames for a stream that never existed) gets GoAway with code 1 and its
 *   connection is closed; its streams end with ProtocolError or InvalidMessageError.
 */
import { disabledLogger } from '@libp2p/utils'
import { resolveConfig } from './config.js'
import { YAMUX_PROTOCOL_ID } from './constants.js'
import { YamuxMuxer } from './muxer.js'
import type { YamuxMuxerInit } from './config.js'
import type { ComponentLogger, MessageStream, StreamMuxerFactory, StreamMuxerInit } from '@libp2p/interface'

export type { YamuxMuxerInit } from './config.js'
export type { YamuxMuxer } from './muxer.js'
export type { YamuxStream } from './stream.js'
export { GoAwayError } from './errors.js'
export { YAMUX_PROTOCOL_ID } from './constants.js'

/** What yamux takes from the node; without a logger nothing is logged */
export interface YamuxComponents {
  logger?: ComponentLogger
}

/** the muxer factory for the upgrader; options are checked at once (InvalidParametersError) */
export function yamux (init: YamuxMuxerInit = {}): (components?: YamuxComponents) => StreamMuxerFactory {
  const config = resolveConfig(init)
  return (components = {}) => {
    const log = components.logger?.forComponent('libp2p:yamux') ?? disabledLogger()
    return {
      protocol: YAMUX_PROTOCOL_ID,
      createStreamMuxer: (connection: MessageStream, muxerInit: StreamMuxerInit): YamuxMuxer => new YamuxMuxer(connection, muxerInit, config, log)
    }
  }
}
