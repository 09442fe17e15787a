/** The multicodec of a peer id CID (`libp2p-key`) */
export const LIBP2P_KEY_CODEC = 0x72

/** A protobuf-encoded public key of at most this many bytes is inlined in an identity multihash (peer-ids spec) */
export const MAX_INLINE_KEY_BYTES = 42

export const ED25519_PUBLIC_KEY_BYTES = 32
export const ED25519_SEED_BYTES = 32
/** seed || public key, the preferred private key encoding */
export const ED25519_PRIVATE_KEY_BYTES = 64
/** seed || public key || public key, written by old libp2p versions */
export const ED25519_LEGACY_PRIVATE_KEY_BYTES = 96
export const ED25519_SIGNATURE_BYTES = 64

export const SECP256K1_PRIVATE_KEY_BYTES = 32
export const SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES = 33
export const SECP256K1_UNCOMPRESSED_PUBLIC_KEY_BYTES = 65

/** RSA modulus size of `generateKeyPair('RSA')` */
export const RSA_DEFAULT_BITS = 2048
/** Smaller RSA keys are refused (go-libp2p's default minimum; rust-libp2p cannot verify smaller ones) */
export const RSA_MIN_BITS = 2048
/**
 * Larger RSA keys are refused with InvalidPublicKeyError / InvalidPrivateKeyError: a remote could
 * otherwise make every signature check arbitrarily expensive (js-libp2p uses the same bound)
 */
export const RSA_MAX_BITS = 8192

/** Curve size in bits of `generateKeyPair('ECDSA')` */
export const ECDSA_DEFAULT_BITS = 256
