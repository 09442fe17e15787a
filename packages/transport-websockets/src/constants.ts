/**
 * A dial gives up with TimeoutError when TCP connect + TLS + the HTTP upgrade take longer than
 * this; a listener closes an accepted socket that has not completed its upgrade within it
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000
/**
 * The largest WebSocket message accepted from the remote. A bigger one closes the connection with
 * close code 1009 and MessageTooLargeError. libp2p frames are small (a Noise frame is at most
 * 65,537 bytes on the wire), so this only bounds memory against a hostile peer.
 */
export const DEFAULT_MAX_MESSAGE_SIZE_BYTES = 4 * 1024 * 1024
/** open WebSocket connections per listener (upgrading or upgraded); further upgrade requests get HTTP 503 */
export const DEFAULT_MAX_CONNECTIONS = 1_024
/** listener.close() waits this long for its connections to close gracefully, then aborts them */
export const DEFAULT_LISTENER_CLOSE_TIMEOUT_MS = 5_000
/** close() waits this long for the remote's close frame, then aborts the connection */
export const DEFAULT_SOCKET_CLOSE_TIMEOUT_MS = 5_000
/**
 * ws's own close timer (it destroys the socket when the remote has not finished the close
 * handshake) runs this much longer than ours: at the same length the two raced, and when ws's won
 * the close was reported as a remote reset instead of our TimeoutError
 */
export const WS_CLOSE_BACKSTOP_MARGIN_MS = 1_000

/**
 * Outgoing messages are at most this large: bigger writes are split, so every peer's incoming
 * limit is respected (ws' default is 100 MiB, go-libp2p and browsers have none, ours is
 * DEFAULT_MAX_MESSAGE_SIZE_BYTES).
 */
export const MAX_SEND_MESSAGE_BYTES = 256 * 1024
/** chunks smaller than this that are queued together are copied into one message */
export const COALESCE_CHUNK_MAX_BYTES = 16 * 1024

/** Node: default `maxBufferedAmount`: stop taking data from the write buffer while `ws` holds this many unsent bytes */
export const NODE_BUFFERED_HIGH_WATER_BYTES = 64 * 1024
/**
 * Browser: default `maxBufferedAmount`: stop taking data from the write buffer while
 * `WebSocket.bufferedAmount` is at least this; sending resumes once it falls to
 * `maxBufferedAmount / BROWSER_BUFFERED_LOW_WATER_DIVISOR` (256 KiB with the default)
 */
export const BROWSER_BUFFERED_HIGH_WATER_BYTES = 1024 * 1024
export const BROWSER_BUFFERED_LOW_WATER_DIVISOR = 4
/**
 * Browser: WebSocket has no drain event, so while sending is held `bufferedAmount` is checked
 * after every incoming message and on a timer that starts at the first delay and doubles up to
 * the second (default `bufferedAmountPollInterval`). No timer runs while sending is not held.
 */
export const BROWSER_DRAIN_CHECK_MIN_DELAY_MS = 1
export const BROWSER_DRAIN_CHECK_MAX_DELAY_MS = 64

/** close codes that end a connection cleanly (1000 normal closure, 1005 no status); any other is a reset */
export const CLEAN_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1005])
/** close() and closeWrite() send this code */
export const CLOSE_CODE_NORMAL = 1000
/**
 * A browser's abort() sends this code (browsers may only send 1000 or 3000-4999, and cannot drop
 * the TCP connection); the remote sees a reset. In Node, abort() drops the TCP connection
 * instead, and the remote sees 1006 (abnormal closure), also a reset.
 */
export const CLOSE_CODE_RESET = 4000
