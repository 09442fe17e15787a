/** `/<prefix>/ping/1.0.0` */
export const DEFAULT_PROTOCOL_PREFIX = 'ipfs'
export const PROTOCOL_NAME = 'ping'
export const PROTOCOL_VERSION = '1.0.0'
/** `/ipfs/ping/1.0.0` */
export const PING_PROTOCOL = `/${DEFAULT_PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`

/** every ping is this many random bytes, echoed back */
export const PING_LENGTH_BYTES = 32

/** one ping (dial if needed, open the stream, round trip, close) must finish within this */
export const DEFAULT_TIMEOUT_MS = 10_000

/**
 * An inbound ping stream with no new payload for this long is closed. Longer than the 15 s
 * between pings that rust-libp2p sends on one long-lived stream; go-libp2p allows 60 s too.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

/** ping streams a remote may hold open on one connection (the spec asks listeners to accept two) */
export const DEFAULT_MAX_INBOUND_STREAMS = 2
/** ping streams this node opens on one connection (the spec allows one per peer) */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 1
