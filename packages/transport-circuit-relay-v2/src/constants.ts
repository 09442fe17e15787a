/** the hop protocol: clients ask the relay for a reservation or a circuit */
export const RELAY_V2_HOP_CODEC = '/libp2p/circuit/relay/0.2.0/hop'
/** the stop protocol: the relay asks the target to accept a circuit */
export const RELAY_V2_STOP_CODEC = '/libp2p/circuit/relay/0.2.0/stop'
/** the signed-envelope domain of reservation vouchers */
export const RESERVATION_VOUCHER_DOMAIN = 'libp2p-relay-rsvp'
/**
 * the envelope payload type of reservation vouchers: the multicodec 0x0302 as two big-endian
 * bytes, as go-libp2p and js-libp2p write it (not as a varint, which would be 0x82 0x06)
 */
export const RESERVATION_VOUCHER_CODEC = Uint8Array.from([0x03, 0x02])

/** one hop or stop message, length prefix excluded; larger ones are refused (MessageTooLargeError) */
export const MAX_MESSAGE_BYTES = 4096
/** relay addresses accepted in one reservation or peer message */
export const MAX_MESSAGE_ADDRS = 32

// ---- relay server (hop) ----

/** reservations the relay holds at once */
export const DEFAULT_MAX_RESERVATIONS = 15
/** reservations from one IP address at once */
export const DEFAULT_MAX_RESERVATIONS_PER_IP = 4
/** how long a reservation lasts before the client must refresh it */
export const DEFAULT_RESERVATION_TTL_MS = 2 * 60 * 60 * 1000
/** how often the relay drops expired reservations (js-libp2p's default) */
export const DEFAULT_RESERVATION_CLEAR_INTERVAL_MS = 300_000
/** circuits the relay splices at once */
export const DEFAULT_MAX_CIRCUITS = 64
/** circuits one peer takes part in at once, as initiator or target */
export const DEFAULT_MAX_CIRCUITS_PER_PEER = 8
/** the per-circuit duration limit sent in the Limit message */
export const DEFAULT_DURATION_LIMIT_MS = 2 * 60 * 1000
/** the per-circuit data limit in each direction sent in the Limit message */
export const DEFAULT_DATA_LIMIT_BYTES = 1n << 17n
/** a hop request: reading it, and for CONNECT opening STOP to the target and its answer */
export const DEFAULT_HOP_TIMEOUT_MS = 30_000
/** hop streams one connection may have open at once */
export const DEFAULT_MAX_INBOUND_HOP_STREAMS = 32
/** stop streams the relay may have open on one connection at once */
export const DEFAULT_MAX_OUTBOUND_STOP_STREAMS = 64
/** the peer store tag the relay puts on a peer with a reservation (and the client on its relay), so its connection is pruned last */
export const RESERVATION_TAG = 'circuit-relay-reservation'
/** that tag's value (0-100) */
export const RESERVATION_TAG_VALUE = 100
/** public relay addresses put in one reservation */
export const MAX_RESERVATION_ADDRS = 16

// ---- client transport (stop, reservations) ----

/** a RESERVE or CONNECT request to a relay, from opening the stream to the answer */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 10_000
/** a CONNECT request through a relay (the relay waits for the target's STOP answer) */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000
/** reading the relay's STOP CONNECT and answering it */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000
/** stop streams one relay connection may have open at once */
export const DEFAULT_MAX_INBOUND_STOP_STREAMS = 32
/** after the relay connection closes the listener reserves again, unless it closed already within this long */
export const RELAY_RECONNECT_INTERVAL_MS = 10_000
/** refresh a reservation this long before it expires (or at half its life if that is sooner) */
export const RESERVATION_REFRESH_MARGIN_MS = 60_000
/** reservations attempted at once on relays found for `/p2p-circuit` listeners */
export const DEFAULT_RESERVATION_CONCURRENCY = 1
/** candidate relays remembered for `/p2p-circuit` listeners */
export const DEFAULT_MAX_RESERVATION_QUEUE_LENGTH = 100
