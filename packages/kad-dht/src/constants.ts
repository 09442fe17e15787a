/** Defaults, named as js-libp2p's kad-dht names its options; sources in the comments */

/** the protocol of the public (Amino) DHT */
export const PROTOCOL = '/ipfs/kad/1.0.0'
/** the protocol of a LAN DHT (js-libp2p's amino LAN setup, go's `dual` LAN side) */
export const LAN_PROTOCOL = '/ipfs/lan/kad/1.0.0'

/** k: bucket size and replication factor (spec) */
export const K = 20
/** α: requests in flight per lookup (spec) */
export const ALPHA = 10
/** disjoint paths per lookup: 1 is the spec's single lookup; js defaults to k/2 */
export const DISJOINT_PATHS = 1

/** the largest message read or written: go's and js's 4 MiB */
export const MAX_MESSAGE_SIZE = 4 * 1024 * 1024
/** closer/provider peers taken from one message: more is a flood, and the rest is dropped */
export const MAX_PEERS_PER_MESSAGE = 64
/** addresses kept per peer in a message */
export const MAX_ADDRS_PER_PEER = 32

/** ms one RPC (dial, stream, request, response) may take */
export const RPC_TIMEOUT_MS = 10_000
/** ms a whole lookup may take when the caller gives no signal */
export const QUERY_TIMEOUT_MS = 60_000
/** ms an inbound stream may sit idle between requests before it is closed */
export const INCOMING_MESSAGE_TIMEOUT_MS = 10_000
/** inbound and outbound DHT streams per connection (js's defaults) */
export const MAX_INBOUND_STREAMS = 32
export const MAX_OUTBOUND_STREAMS = 64

/** ms between self-lookups and bucket refreshes (spec: 10 minutes) */
export const QUERY_SELF_INTERVAL_MS = 10 * 60_000
/** a bucket not looked up for this long is refreshed (go: 10 minutes) */
export const BUCKET_REFRESH_INTERVAL_MS = 10 * 60_000

/** the table fills from the node's connections while it holds fewer peers than this (go's minRTRefreshThreshold) */
export const TABLE_FILL_THRESHOLD = 10
/** ms between checks of whether the table is that low (go checks every 2 minutes) */
export const TABLE_FILL_INTERVAL_MS = 2 * 60_000
/** connected peers checked per fill (each one at most one FIND_NODE) */
export const TABLE_FILL_MAX_PEERS = 20

/** provider records expire after 48 h (spec) */
export const PROVIDER_VALIDITY_MS = 48 * 60 * 60_000
/** and are republished every 22 h (spec) */
export const REPROVIDE_INTERVAL_MS = 22 * 60 * 60_000
/** the provider's addresses are served for 30 min after they were received (spec, kubo) */
export const PROVIDER_ADDRS_TTL_MS = 30 * 60_000
/** value records older than this are not served (go's MaxRecordAge: 36 h) */
export const RECORD_VALIDITY_MS = 36 * 60 * 60_000

/** GET_VALUE answers needed before a get ends (go's and rust's default quorum) */
export const GET_QUORUM = 16
