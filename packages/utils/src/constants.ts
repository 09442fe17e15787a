/** send() returns false once this many bytes wait in a stream's write buffer */
export const DEFAULT_WRITE_HIGH_WATER_BYTES = 64 * 1024
/** 'drain' fires when the write buffer falls to this many bytes */
export const DEFAULT_WRITE_LOW_WATER_BYTES = 16 * 1024
/** send() throws LimitExceededError instead of buffering past this */
export const DEFAULT_MAX_WRITE_BUFFER_BYTES = 4 * 1024 * 1024
/** the transport is asked to pause (e.g. socket.pause()) when this many unread bytes are buffered */
export const DEFAULT_MAX_READ_BUFFER_BYTES = 4 * 1024 * 1024
/**
 * js-libp2p's maxReadBufferLength backstop: undelivered bytes past this abort the stream with
 * StreamBufferError. Back-pressure (readHighWaterMark, the muxer's window) keeps a stream far below
 * it; it must stay above the largest yamux window (16 MiB) so a paused stream is never reset
 */
export const DEFAULT_MAX_READ_BUFFER_LENGTH_BYTES = 32 * 1024 * 1024
/** js-libp2p's inactivityTimeout default (enforced by the transports that have one, e.g. TCP) */
export const DEFAULT_INACTIVITY_TIMEOUT_MS = 120_000
/** a close whose flush makes no progress for this long (and a connection close that does not finish) aborts */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000
/** streams the remote may have open on one muxed connection at once */
export const DEFAULT_MUXER_MAX_INBOUND_STREAMS = 1024
/** streams we may have open on one muxed connection at once */
export const DEFAULT_MUXER_MAX_OUTBOUND_STREAMS = 1024
