/** a dial gives up with TimeoutError when the TCP handshake takes longer than this */
export const DEFAULT_DIAL_TIMEOUT_MS = 5_000
/** an inbound socket with no reads or writes for this long is aborted with TimeoutError */
export const DEFAULT_INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS = 120_000
/** an outbound socket with no reads or writes for this long is aborted with TimeoutError */
export const DEFAULT_OUTBOUND_SOCKET_INACTIVITY_TIMEOUT_MS = 120_000
/** close() sends FIN and waits this long for the remote's FIN before resetting the socket */
export const DEFAULT_SOCKET_CLOSE_TIMEOUT_MS = 5_000
/** listener.close() waits this long for its connections to close gracefully, then aborts them */
export const DEFAULT_LISTENER_CLOSE_TIMEOUT_MS = 5_000
/** open sockets per listener (upgrading or upgraded); sockets accepted beyond it are closed at once */
export const DEFAULT_MAX_CONNECTIONS = 1_024
/** the kernel's queue of connections waiting to be accepted (listen(2) backlog) */
export const DEFAULT_BACKLOG = 511
/** TCP_NODELAY on every socket (dialOpts / listenOpts can turn it off) */
export const DEFAULT_NO_DELAY = true
/** SO_KEEPALIVE on every socket (dialOpts / listenOpts can turn it off) */
export const DEFAULT_KEEP_ALIVE = true
/** idle time before the first keep-alive probe */
export const DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS = 60_000
/**
 * When the write buffer holds several chunks averaging less than this, they are copied into one
 * buffer and written once; larger chunks are written one by one between cork() and uncork()
 */
export const WRITE_COPY_MAX_AVERAGE_CHUNK_BYTES = 2_048
