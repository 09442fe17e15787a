/** the multistream-select protocol id */
export const YAMUX_PROTOCOL_ID = '/yamux/1.0.0'

/** the only version of the frame format */
export const YAMUX_VERSION = 0

/** every frame starts with a 12-byte header */
export const HEADER_LENGTH_BYTES = 12

/** the spec's initial receive window of every stream, assumed by both sides without negotiation */
export const INITIAL_STREAM_WINDOW_BYTES = 256 * 1024

/**
 * How far a stream's receive window may grow with auto-tuning. A stream's throughput is at most
 * window / RTT: 16 MiB allows ~2.1 Gbit/s on a 63 ms path. Unread data per stream never exceeds it.
 */
export const DEFAULT_MAX_STREAM_WINDOW_BYTES = 16 * 1024 * 1024

/**
 * How far the receive windows of one connection's streams may together grow beyond their initial
 * size (unless maxStreamWindowSize is larger: then that). One stream can reach 16 MiB, a handful
 * share it; unread data per connection is at most open streams x 256 KiB plus this.
 */
export const DEFAULT_MAX_CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024

/** the largest window a header can carry (32-bit length field) */
export const MAX_WINDOW_BYTES = 0xffff_ffff

/** outbound data is split into frames of at most this many payload bytes */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024

/** streams the remote may have open at once; SYNs past it are answered with RST */
export const DEFAULT_MAX_INBOUND_STREAMS = 1024

/** streams we may have open at once; createStream() past it throws LimitExceededError */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 1024

/** outbound streams not yet acknowledged by the remote (spec: "SHOULD at most allow 256") before createStream() waits */
export const MAX_ACK_BACKLOG = 256

/** bytes a stream may queue with send() before it throws LimitExceededError (its write buffer) */
export const DEFAULT_MAX_STREAM_WRITE_BUFFER_BYTES = 4 * 1024 * 1024

/** a keep-alive ping is sent this often; an unanswered one closes the connection at the next tick */
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 30_000

/** close() gives up waiting for streams and the remote after this long, then aborts */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000

/**
 * Replies the remote causes (pongs, resets of refused streams) that may wait behind a blocked
 * connection. A remote that floods us with SYNs or pings without reading the answers passes it
 * and its connection is closed, so the write buffer stays bounded.
 */
export const MAX_UNSENT_CONTROL_FRAMES = 1024

/** ranges of remote stream ids skipped and not opened yet that we remember (opening out of order is allowed, id reuse is not) */
export const MAX_ID_GAP_RANGES = 64

/** the largest stream id (32-bit field) */
export const MAX_STREAM_ID = 0xffff_ffff

/**
 * Frames are handed to the connection in one send() at the end of the event loop's turn (after
 * the streams' own end-of-tick flushes and every promise chain the turn set off), or at once when
 * this many bytes are waiting.
 */
export const WRITE_BATCH_BYTES = 64 * 1024

/** auto-tuning doubles a stream's window when a whole window was consumed within this many RTTs */
export const WINDOW_GROWTH_RTT_FACTOR = 2
