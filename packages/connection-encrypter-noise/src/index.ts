/**
 * @packageDocumentation
 *
 * The noise-libp2p connection encrypter (specs/libp2p/noise): Noise_XX_25519_ChaChaPoly_SHA256
 * with the libp2p handshake payload, for `createLibp2p({ connectionEncrypters: [noise()] })`.
 *
 * ```ts
 * import { noise } from '@chainsafe/libp2p-noise'
 *
 * const encrypter = noise()({ privateKey })
 * const { connection, remotePeer, streamMuxer } = await encrypter.secureOutbound(raw, { remotePeer, streamMuxers })
 * ```
 *
 * Node.js uses node:crypto for every primitive; browsers use `@noble` (through the package.json
 * "browser" map). Handshake failures throw typed errors (UnexpectedPeerError,
 * InvalidSignatureError, InvalidMessageError, DecryptionFailedError, TimeoutError) and close the
 * raw connection.
 */
import { validateInit } from '@libp2p/utils'
import { NOISE_INIT_SCHEMA } from './init-schema.js'
import { Noise } from './noise.js'
import type { NoiseComponents, NoiseInit } from './noise.js'

export { NOISE_PROTOCOL_ID, NOISE_MAX_MESSAGE_BYTES, NOISE_MAX_PLAINTEXT_BYTES, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './constants.js'
export { DecryptionFailedError } from './errors.js'
export type { Noise, NoiseComponents, NoiseExtensionsInit, NoiseInit, NoiseSecuredConnection } from './noise.js'
export type { NoiseConnection } from './noise-connection.js'
export type { NoiseExtensions } from './pb/payload.js'

/** The Noise encrypter factory: `noise(init)(components)` */
export function noise (init: NoiseInit = {}): (components: NoiseComponents) => Noise {
  validateInit('noise()', init, NOISE_INIT_SCHEMA)
  return (components) => new Noise(components, init)
}
