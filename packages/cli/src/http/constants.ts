/**
 * Defaults and bounds of the node's HTTP server (status page, /health, /metrics). The ones an
 * operator may need to change are settings (node-settings.ts); docs/LIMITS.md lists them all.
 */

/** where the HTTP server listens when --http-listen is not given: loopback, so nothing is exposed by default */
export const DEFAULT_HTTP_LISTEN = '/ip4/127.0.0.1/tcp/8080'

/** the --http-listen value that turns the HTTP server off */
export const HTTP_LISTEN_NONE = 'none'

/** sockets open at once; Node closes any beyond it as soon as they are accepted */
export const DEFAULT_HTTP_MAX_CONNECTIONS = 64

/** how long a client may take to send a request's headers, in ms (slowloris-style requests end here) */
export const DEFAULT_HTTP_HEADERS_TIMEOUT_MS = 10_000

/** status pages following /events at once; one more is answered 503 */
export const DEFAULT_HTTP_MAX_EVENT_CLIENTS = 16

/** request line plus headers; a larger request is answered 431 by Node */
export const HTTP_MAX_HEADER_BYTES = 8 * 1024

/** how long a whole request may take to arrive, in ms (requests have no body here, so headers are all of it) */
export const HTTP_REQUEST_TIMEOUT_MS = 15_000

/** how long an idle keep-alive socket stays open, in ms */
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000

/** how often Node looks for sockets past HTTP_* timeouts, in ms (its default of 30 s would let a slow request outlive its deadline by that much) */
export const HTTP_TIMEOUT_CHECK_INTERVAL_MS = 1_000

/** requests served on one keep-alive socket before it is closed */
export const HTTP_MAX_REQUESTS_PER_SOCKET = 1_000

/** bytes an /events client may leave unread before it is dropped (a page that stopped reading) */
export const EVENTS_MAX_BUFFERED_BYTES = 256 * 1024

/** how often the status is sampled for /events while a client follows it, in ms (counters that raise no event: DHT table, reservations) */
export const STATUS_REFRESH_MS = 2_000

/** events (connections opening, closing) within this many ms are sent as one update */
export const STATUS_DEBOUNCE_MS = 100

/** a comment line is sent to /events clients this often, in ms, so proxies do not close an idle stream */
export const EVENTS_HEARTBEAT_MS = 15_000

/** connections listed in one status snapshot (the rest are counted); keeps a snapshot's size bounded */
export const STATUS_MAX_CONNECTIONS = 200

/** connected peers, and reservations, listed in one status snapshot, the newest first (the rest are counted) */
export const STATUS_MAX_PEERS = 100

/**
 * reservations the status page keeps track of (ReservedPeers): the relay's own limit
 * (maxReservations, at most 1,000,000) keeps the real number far lower; past it the oldest is forgotten
 */
export const STATUS_MAX_TRACKED_RESERVATIONS = 1_000_000

/** a /health result is reused for this many ms, so frequent probes do not each write to the datastore */
export const HEALTH_CACHE_MS = 1_000

/** how long the datastore write and delete of /health may take, in ms, before the node counts as unhealthy */
export const HEALTH_TIMEOUT_MS = 5_000

/**
 * The size of the value /health writes: more than a filesystem block (4 KiB), so the write needs a
 * block the disk does not have yet and a full disk fails the check at once, not after the last
 * partly used block filled up. Random bytes, so a compressing filesystem cannot store it in less.
 */
export const HEALTH_PROBE_BYTES = 4 * 1024 + 1

/** the datastore key /health writes and deletes */
export const HEALTH_PROBE_KEY = '/libp2p-node/health-probe'

/** the longest address /qr.svg encodes (a QR code of version 40 at low correction holds 2953 bytes) */
export const QR_MAX_TEXT_BYTES = 1024
