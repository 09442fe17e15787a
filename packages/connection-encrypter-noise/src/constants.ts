/** the multistream-select protocol id of noise-libp2p */
export const NOISE_PROTOCOL_ID = '/noise'

/** the Noise protocol name the handshake state is initialised with (specs/libp2p/noise) */
export const NOISE_PROTOCOL_NAME = 'Noise_XX_25519_ChaChaPoly_SHA256'

/** the largest Noise message: its length travels as a 16-bit big-endian integer */
export const NOISE_MAX_MESSAGE_BYTES = 65535

/** the ChaCha20-Poly1305 authentication tag that ends every encrypted payload */
export const NOISE_TAG_BYTES = 16

/** the largest plaintext one transport message carries (65535 - 16) */
export const NOISE_MAX_PLAINTEXT_BYTES = NOISE_MAX_MESSAGE_BYTES - NOISE_TAG_BYTES

/** the 2-byte length prefix in front of every Noise message */
export const NOISE_LENGTH_PREFIX_BYTES = 2

/** X25519 public keys, private keys, shared secrets, and SHA-256 digests are all 32 bytes */
export const DH_KEY_BYTES = 32

/** the text signed, followed by the static Noise public key, to bind it to the identity key */
export const STATIC_KEY_SIGNATURE_PREFIX = 'noise-libp2p-static-key:'

/** a handshake that has not finished after this long is aborted (on top of the caller's signal) */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000

/** repeated fields accepted in a remote's handshake extensions (each list, not bytes) */
export const MAX_EXTENSION_LIST_ENTRIES = 64

/**
 * Noise nonces are 64-bit; JavaScript numbers count exactly to 2^53 - 1, which at one message per
 * nanosecond still lasts 104 days per connection. A connection that gets there is closed.
 */
export const MAX_NONCE = Number.MAX_SAFE_INTEGER
