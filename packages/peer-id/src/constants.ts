/** multicodec of a CID that names a peer: `libp2p-key` */
export const LIBP2P_KEY_CODE = 0x72

/** multihash code of the identity "hash": the digest is the key protobuf itself */
export const IDENTITY_CODE = 0x00

/** multihash code of sha2-256 */
export const SHA256_CODE = 0x12

/** length of a sha2-256 digest */
export const SHA256_DIGEST_BYTES = 32

/**
 * Public key protobufs up to this size are inlined in the peer id with the identity multihash,
 * larger ones are hashed with sha2-256 (specs/libp2p/peer-ids, "Peer Ids")
 */
export const MAX_INLINE_KEY_BYTES = 42

/** CID version byte of a CIDv1 */
export const CID_V1 = 0x01

/**
 * The longest string peerIdFromString will try to decode. The longest valid form is an inline
 * key (a 44 byte multihash, so a 46 byte CID) in base2: 1 + 46 * 8 = 369 characters. Anything
 * longer is rejected before decoding, so a hostile string costs no quadratic base decoding.
 */
export const MAX_PEER_ID_STRING_CHARS = 512
