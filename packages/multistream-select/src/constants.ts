/** The protocol id of multistream-select itself, sent by both sides as the first message */
export const PROTOCOL_ID = '/multistream/1.0.0'

/** The listener's answer to a proposal it does not support */
export const NOT_AVAILABLE = 'na'

/** The request for the listener's protocol list */
export const LIST = 'ls'

/**
 * The largest message accepted, counted as the length prefix counts it (the protocol id plus its
 * trailing newline). Protocol ids are short; go-libp2p refuses anything over 1 KiB as well.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024

/** How many proposals and `ls` requests a listener answers in one negotiation before giving up */
export const DEFAULT_MAX_ATTEMPTS = 32
