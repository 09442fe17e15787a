/** the first segment of the protocol ids: `/ipfs/id/1.0.0`, `/ipfs/id/push/1.0.0` */
export const DEFAULT_PROTOCOL_PREFIX = 'ipfs'
export const IDENTIFY_PROTOCOL_NAME = 'id'
export const IDENTIFY_PUSH_PROTOCOL_NAME = 'id/push'
export const IDENTIFY_PROTOCOL_VERSION = '1.0.0'

/** `/ipfs/id/1.0.0` */
export const IDENTIFY_PROTOCOL = `/${DEFAULT_PROTOCOL_PREFIX}/${IDENTIFY_PROTOCOL_NAME}/${IDENTIFY_PROTOCOL_VERSION}`
/** `/ipfs/id/push/1.0.0` */
export const IDENTIFY_PUSH_PROTOCOL = `/${DEFAULT_PROTOCOL_PREFIX}/${IDENTIFY_PUSH_PROTOCOL_NAME}/${IDENTIFY_PROTOCOL_VERSION}`

/** the protocolVersion this node sends */
export const PROTOCOL_VERSION = 'ipfs/0.1.0'

/** an identify exchange or a push (open stream, send or read, close) must finish within this */
export const DEFAULT_TIMEOUT_MS = 5_000

/**
 * The largest identify message read from a peer, per length-prefixed message (go-libp2p reads up
 * to 8 KiB including a signed peer record; js-libp2p the same)
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024

/**
 * Length-prefixed messages read from one identify or push stream before EOF. go-libp2p splits an
 * identify message over 2 KiB into two (the signed peer record goes in the second) and reads up
 * to 10; the parts are merged as protobuf merges them.
 */
export const DEFAULT_MAX_MESSAGES = 10

/** identify streams a remote may have open on one connection at once */
export const DEFAULT_MAX_INBOUND_STREAMS = 1
/** identify streams this node opens on one connection at once */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 1
/** push streams a remote may have open on one connection at once */
export const DEFAULT_MAX_PUSH_INBOUND_STREAMS = 1
/** push streams this node opens on one connection at once */
export const DEFAULT_MAX_PUSH_OUTBOUND_STREAMS = 1
/** peers pushed to at once when this node's protocols or addresses change */
export const DEFAULT_PUSH_CONCURRENCY = 32

/** peer store metadata keys (UTF-8 values) */
export const AGENT_VERSION_KEY = 'AgentVersion'
export const PROTOCOL_VERSION_KEY = 'ProtocolVersion'
