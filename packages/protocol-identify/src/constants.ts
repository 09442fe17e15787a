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

/**
 * Our identify message goes as one message up to this size; past it, the signed peer record goes
 * in a message of its own (go-libp2p splits at the same size: older readers took 2 KiB)
 */
export const SINGLE_MESSAGE_BYTES = 2 * 1024

/**
 * Each part of our identify message but the signed peer record stays within this: rust-libp2p
 * reads one identify message of at most 4096 bytes and fails the identify past it
 */
export const MAX_SENT_PART_BYTES = 4 * 1024

/**
 * The part holding the signed peer record alone: go-libp2p, js-libp2p and this node read 8 KiB
 * per message (go fails the whole identify past it); a larger record is not sent
 */
export const MAX_SENT_RECORD_PART_BYTES = 8 * 1024

/**
 * Parts of our identify message at most: go-libp2p reads 10 messages and fails the identify if
 * the tenth is not followed by EOF, so 9 is the most it takes
 */
export const MAX_SENT_PARTS = 9

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

/**
 * After a change of this node's protocols or addresses, identify push waits this long for more
 * changes (each one restarts the wait) before pushing; 0 pushes at once (a change during a push
 * still brings one more push after it)
 */
export const DEFAULT_PUSH_DEBOUNCE_MS = 0

/** peer store metadata keys (UTF-8 values) */
export const AGENT_VERSION_KEY = 'AgentVersion'
export const PROTOCOL_VERSION_KEY = 'ProtocolVersion'
