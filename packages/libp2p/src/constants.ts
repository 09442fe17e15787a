/** a whole inbound upgrade (encrypter + muxer negotiation + handshakes) must finish within this */
export const INBOUND_UPGRADE_TIMEOUT_MS = 10_000
/** a whole outbound upgrade must finish within this (the dial's own signal may be shorter) */
export const OUTBOUND_UPGRADE_TIMEOUT_MS = 10_000
/** multistream-select on a new inbound stream must finish within this */
export const INBOUND_STREAM_NEGOTIATION_TIMEOUT_MS = 10_000
/** multistream-select on a new outbound stream must finish within this unless the caller passes a signal */
export const OUTBOUND_STREAM_NEGOTIATION_TIMEOUT_MS = 10_000
/** streams of one protocol a remote may hold open on one connection, unless the handler says otherwise */
export const DEFAULT_MAX_INBOUND_STREAMS = 32
/** streams of one protocol this node may open on one connection, unless the handler says otherwise */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 64
/** open connections above which the connection manager prunes */
export const DEFAULT_MAX_CONNECTIONS = 300
/** inbound connections still upgrading at once; more are refused */
export const DEFAULT_MAX_INCOMING_PENDING_CONNECTIONS = 10
/** connections to one peer at once (the extra ones are closed) */
export const DEFAULT_MAX_CONNECTIONS_PER_PEER = 4
/** dials in progress at once across all peers */
export const DEFAULT_MAX_PARALLEL_DIALS = 100
/** dials waiting for a slot; more fail with LimitExceededError */
export const DEFAULT_MAX_DIAL_QUEUE_LENGTH = 500
/** addresses tried for one peer in one dial */
export const DEFAULT_MAX_PEER_ADDRS_TO_DIAL = 25
/** one address's dial (transport connect + upgrade) must finish within this */
export const DEFAULT_ADDRESS_DIAL_TIMEOUT_MS = 5_000
/** a dial whose caller passes no signal must finish within this, its wait for a slot included */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000
/** inbound connections accepted from one IP per second before it is refused */
export const DEFAULT_INBOUND_CONNECTION_THRESHOLD_PER_IP = 5
/** tagged peers (keep-alive) are re-dialled this long after they disconnect, with backoff */
export const DEFAULT_RECONNECT_RETRY_INTERVAL_MS = 1_000
/** each further re-dial of a keep-alive peer waits this many times longer than the one before */
export const DEFAULT_RECONNECT_BACKOFF_FACTOR = 2
/** attempts to re-dial a keep-alive peer before giving up until it reconnects */
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 5
/** observed addresses remembered per node (an IP-only address reported by peers) */
export const DEFAULT_MAX_OBSERVED_ADDRESSES = 16
/** peers that must report the same observed address before it is announced */
export const DEFAULT_OBSERVED_ADDRESS_CONFIRMATIONS = 4
/** the tag that keeps a peer connected and re-dialled */
export const KEEP_ALIVE_TAG = 'keep-alive'
/** the connection monitor pings every open connection this often (js-libp2p's default) */
export const DEFAULT_PING_INTERVAL_MS = 10_000
/** the connection monitor's ping timeout never goes below this (js-libp2p's default) */
export const DEFAULT_PING_MIN_TIMEOUT_MS = 5_000
/**
 * the connection monitor's ping timeout never goes above this (js-libp2p: 60 s), so a link that
 * goes silent is noticed within DEFAULT_PING_INTERVAL_MS + this
 */
export const DEFAULT_PING_MAX_TIMEOUT_MS = 10_000
/** pings measured before the adaptive timeout follows them; with none it follows from the first */
export const DEFAULT_PING_WARMUP_SAMPLES = 0
/** a ping payload (specs/libp2p/ping) */
export const PING_LENGTH_BYTES = 32
/** the highest dial tier a transport may declare (Transport.dialProfile): the dial queue keeps one slot pool per tier */
export const MAX_DIAL_TIER = 7
