/**
 * The routing table's defaults. They live here rather than in the package's constants.ts because
 * only the table reads them.
 */

/** ms a least-recently-seen peer has to answer a ping before a newcomer takes its place (js's default) */
export const PING_OLD_CONTACT_TIMEOUT_MS = 10_000
/** pings of old contacts running at once (js's default) */
export const PING_OLD_CONTACT_CONCURRENCY = 10
/**
 * pings of old contacts waiting for a slot; past it the newcomer is dropped. js once let this
 * queue grow without bound (to ~200k entries on a busy node): a dropped newcomer costs nothing,
 * since peers keep being offered as they are met.
 */
export const PING_OLD_CONTACT_MAX_QUEUE_SIZE = 100
/**
 * adds of distinct peers in progress (reading the peer store, or contesting a full bucket) beyond
 * the ping queue's own slots; past it a new add returns false at once
 */
export const PENDING_ADDS_SLACK = 100

/** go's diversity filter: peers of one IP group per bucket (go: maxPerCpl) */
export const MAX_PEERS_PER_GROUP_PER_BUCKET = 2
/** go's diversity filter: peers of one IP group in the whole table (go: maxForTable) */
export const MAX_PEERS_PER_GROUP_PER_TABLE = 3

/** the deepest bucket a refresh looks up: a random key with a longer shared prefix is too costly to find (go's cap) */
export const MAX_REFRESH_CPL = 15

/** the value of the tag that marks a table peer in the peer store (js tags table peers with 1) */
export const TABLE_TAG_VALUE = 1
