/** the multistream-select protocol id (specs/libp2p/plaintext) */
export const PLAINTEXT_PROTOCOL = '/plaintext/2.0.0'

/**
 * the largest Exchange message accepted; an RSA-4096 key protobuf is ~550 bytes, the multihash of
 * its peer id 34, so this leaves room for any key the stack supports
 */
export const MAX_EXCHANGE_BYTES = 8 * 1024

/** the handshake fails with TimeoutError after this long, even when the caller passes no signal */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000
