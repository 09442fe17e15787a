/**
 * How many loggers `logger()` keeps by name. A component that creates a logger per stream or
 * per connection with a repeated name gets the cached instance back; when the cache is full the
 * oldest entry is dropped (its logger keeps working, it is just no longer shared).
 */
export const MAX_CACHED_LOGGERS = 1024

/** characters of the peer id string `peerLogger()` keeps from its start and its end by default */
export const DEFAULT_PEER_PREFIX_LENGTH = 2
export const DEFAULT_PEER_SUFFIX_LENGTH = 4
