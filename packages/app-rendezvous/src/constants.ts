/** one chat message per stream: a varint length, then that many bytes of UTF-8 */
export const CHAT_PROTOCOL = '/rendezvous/chat/1.0.0'

/** one file per stream: a length-prefixed JSON header, the raw bytes, then the receiver's verdict */
export const FILE_PROTOCOL = '/rendezvous/file/1.0.0'

/** hashed with the room name into the DHT key pages provide and look up, so rooms of other apps never collide */
export const ROOM_NAMESPACE = '/libp2p-ts/rendezvous/room/'

/** the longest room name accepted (characters) */
export const MAX_ROOM_NAME_CHARS = 128

/** the largest chat message sent or accepted */
export const MAX_CHAT_MESSAGE_BYTES = 4096

/** chat messages kept for the page (older ones are dropped) */
export const MAX_CHAT_HISTORY = 500

/** the largest file sent or accepted: the receiver holds it in memory until it is saved */
export const MAX_FILE_BYTES = 64 * 1024 * 1024

/** the largest file header (JSON: name, size, sha256) */
export const MAX_FILE_HEADER_BYTES = 1024

/** the longest file name kept (characters; longer ones are cut) */
export const MAX_FILE_NAME_CHARS = 255

/** bytes handed to one stream.send() while sending a file */
export const FILE_CHUNK_BYTES = 64 * 1024

/** files being received at once; one more is refused (the stream is reset) */
export const MAX_INCOMING_TRANSFERS = 4

/** files being sent at once */
export const MAX_OUTGOING_TRANSFERS = 4

/** finished transfers kept in the list (older ones are dropped) */
export const MAX_FINISHED_TRANSFERS = 50

/** how long a transfer may wait for the other side (header, each chunk, the verdict) */
export const TRANSFER_IDLE_TIMEOUT_MS = 30_000

/** peers of one room shown and dialled; more are ignored */
export const MAX_ROOM_PEERS = 32

/** how often the page looks up the room's providers again (new pages join at any time) */
export const DEFAULT_ROOM_POLL_MS = 5_000

/** one findProviders lookup must finish within this */
export const FIND_PROVIDERS_TIMEOUT_MS = 20_000

/** one provide must finish within this */
export const PROVIDE_TIMEOUT_MS = 30_000

/** one dial (relay signaling and the WebRTC handshake) must finish within this */
export const DIAL_TIMEOUT_MS = 30_000

/**
 * how long a page waits for the graceful close of a duplicate direct connection (both pages
 * dialled each other at once) before it aborts it
 */
export const GLARE_CLOSE_TIMEOUT_MS = 5_000

/** first retry delay after a failed or lost direct connection; doubles up to RETRY_MAX_MS */
export const RETRY_MIN_MS = 1_000

/**
 * direct dials that may fail in a row, with no connection to the peer at all, before it counts as
 * gone (a page closed earlier: provider records outlive their pages). It is still retried, and
 * comes back as soon as a dial works.
 */
export const GONE_AFTER_FAILURES = 3

/** the longest delay between two direct-connection retries */
export const RETRY_MAX_MS = 30_000

/** how often the round-trip time to each connected peer is measured */
export const PING_INTERVAL_MS = 5_000

/** how long the page waits for its relay reservation before it says so */
export const RESERVATION_TIMEOUT_MS = 30_000

/** how long the page waits for config.json */
export const CONFIG_TIMEOUT_MS = 10_000
