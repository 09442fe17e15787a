import { fileURLToPath } from 'node:url'
/**
 * Defaults of `libp2p node`, the public relay and DHT server. The relay and connection figures are
 * checked against the load test of issue 12 (docs/PERFORMANCE.md, "Public node: load"): 1,000
 * reservations, each with its connection, cost the node about 60 MiB of RSS, and 200 circuits
 * sending at full speed 36 to 220 MiB more (data in flight); CPU, not memory, is what a busy relay
 * runs out of.
 */

/** the data directory when --data-dir is not given, relative to the working directory */
export const DEFAULT_DATA_DIR = '.libp2p-node-data'

/** the identity key file inside the data directory */
export const KEY_FILE_NAME = 'identity.key'

/** the LevelDB datastore inside the data directory */
export const DATASTORE_DIR_NAME = 'datastore'

/** reservations held at once (js-libp2p: 15) */
export const DEFAULT_NODE_MAX_RESERVATIONS = 1024

/** reservations from one IP address at once (the relay's default is 4) */
export const DEFAULT_NODE_MAX_RESERVATIONS_PER_IP = 8

/** circuits spliced at once (the relay's default is 64) */
export const DEFAULT_NODE_MAX_CIRCUITS = 256

/** how long stopping may take (closing connections, flushing the datastore) before the process gives up */
export const STOP_DEADLINE_MS = 10_000

/** circuits one peer is part of at once (the relay's default) */
export const DEFAULT_NODE_MAX_CIRCUITS_PER_PEER = 8

/** how long a reservation lasts, in ms (the relay's default and the spec's suggestion: 2 hours) */
export const DEFAULT_NODE_RESERVATION_TTL_MS = 2 * 60 * 60 * 1000

/** how long one circuit may last, in ms (the relay's default: 2 minutes) */
export const DEFAULT_NODE_CIRCUIT_DURATION_LIMIT_MS = 2 * 60 * 1000

/** bytes one circuit may carry in each direction (the relay's default: 128 KiB) */
export const DEFAULT_NODE_CIRCUIT_DATA_LIMIT = 128 * 1024

/**
 * connections open at once: every reservation holds one, so room for DEFAULT_NODE_MAX_RESERVATIONS,
 * the peers opening circuits to them and DHT clients (libp2p's default, 300, would refuse
 * connections long before 1,024 reservations)
 */
export const DEFAULT_NODE_MAX_CONNECTIONS = 2048

/**
 * new inbound connections one IP may open per second (libp2p's default): a peer dials once, and a
 * client stack restarting in a loop or a scanner is refused at the socket, before any handshake
 */
export const DEFAULT_NODE_INBOUND_CONNECTION_THRESHOLD = 5

/** inbound connections still in their handshakes at once (libp2p's default): past it, new sockets are refused */
export const DEFAULT_NODE_MAX_INCOMING_PENDING_CONNECTIONS = 10

/** the exit code of a usage error (unknown command or flag, a bad value from any source), as most CLIs use */
export const USAGE_EXIT_CODE = 2

/** `libp2p ping --timeout`: how long one ping, its dial included, may take (the ping service's default) */
export const DEFAULT_CLIENT_PING_TIMEOUT_MS = 10_000

/** `libp2p dht ... --timeout`: how long reaching the bootstrap peers and the query may take together */
export const DEFAULT_CLIENT_DHT_TIMEOUT_MS = 60_000

/** `libp2p listen --relay ... --timeout`: how long a reservation request may take (the relay transport's default) */
export const DEFAULT_CLIENT_RESERVATION_TIMEOUT_MS = 10_000

/** `libp2p dht put --lifetime`: how long the IPNS record stays valid (kubo publishes for 48 h; a day suits a test value) */
export const DEFAULT_DHT_PUT_LIFETIME_MS = 24 * 60 * 60 * 1000

/** `libp2p dht put`: how long resolvers may cache the record (kubo's default TTL: 1 hour) */
export const DEFAULT_DHT_PUT_TTL_MS = 60 * 60 * 1000

/**
 * The rendezvous browser app's bundle (packages/app-rendezvous, built by `npm run build`), where a
 * checkout has it: `libp2p node` serves it at /app/ by default when it is there (dist/src -> packages/)
 */
export const BUNDLED_APP_DIR = fileURLToPath(new URL('../../../app-rendezvous/dist/app', import.meta.url))

/** `--app-dir none`: serve no app, not even the bundled one */
export const APP_DIR_NONE = 'none'
