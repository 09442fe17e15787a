/** addresses kept per peer; the oldest uncertified ones go first */
export const DEFAULT_MAX_ADDRESSES_PER_PEER = 64
/** protocols kept per peer */
export const DEFAULT_MAX_PROTOCOLS_PER_PEER = 256
/** metadata entries per peer, and the largest value */
export const DEFAULT_MAX_METADATA_PER_PEER = 64
export const DEFAULT_MAX_METADATA_VALUE_BYTES = 4096
/** tags per peer */
export const DEFAULT_MAX_TAGS_PER_PEER = 64
/** peers whose decoded records stay cached in memory (the datastore holds the rest) */
export const DEFAULT_CACHE_SIZE = 1024
/** an address learned from the network without a TTL of its own expires after this (0: never) */
export const DEFAULT_ADDRESS_TTL_MS = 2 * 60 * 60 * 1000
/** the largest stored record: a write that would make it larger throws MessageTooLargeError, a larger one read back is skipped */
export const MAX_PEER_RECORD_BYTES = 256 * 1024
/** datastore key prefix */
export const PEER_KEY_PREFIX = '/peers/'
