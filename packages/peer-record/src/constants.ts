/**
 * The largest marshalled envelope openAndCertify / createFromProtobuf accept, and seal produces.
 * A peer record with a few dozen addresses and an RSA-4096 key is ~2 KiB (go-libp2p's identify
 * takes a signed record of up to 8 KiB), so this leaves room while bounding the work an
 * untrusted peer can cause.
 */
export const MAX_ENVELOPE_BYTES = 64 * 1024

/** The most addresses a peer record may hold, on decode and on encode */
export const MAX_PEER_RECORD_ADDRESSES = 1024

/** Domain separation string of peer records (go-libp2p and js-libp2p use this, not the RFC draft's) */
export const PEER_RECORD_DOMAIN = 'libp2p-peer-record'

/**
 * Payload type of peer records: the multicodec `libp2p-peer-record` (0x0301) as the two bytes
 * go-libp2p and js-libp2p put on the wire (big-endian, not an unsigned varint)
 */
export const PEER_RECORD_CODEC_BYTES = [0x03, 0x01]

/** Default sequence numbers are Unix time scaled to nanoseconds, like go-libp2p's */
export const SEQ_NUMBER_NS_PER_MS = 1_000_000n
