/**
 * Defaults of `libp2p node`, the public relay and DHT server. The relay figures are provisional:
 * sized well above js-libp2p's 15 reservations for a public node, to be revised once the load test
 * of issue 12 has measured memory per reservation and per circuit.
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
