/** js-libp2p's @libp2p/bootstrap waits this long after start before announcing the list */
export const DEFAULT_TIMEOUT_MS = 1000

/** the tag bootstrap peers get in the peer store, so the connection manager prunes them last */
export const DEFAULT_TAG_NAME = 'bootstrap'
export const DEFAULT_TAG_VALUE = 50

/**
 * The tag expires after two minutes, as js-libp2p documents it: by then the node should know
 * other peers, and the bootstrap peers' connections become ordinary candidates for pruning.
 */
export const DEFAULT_TAG_TTL_MS = 120_000
