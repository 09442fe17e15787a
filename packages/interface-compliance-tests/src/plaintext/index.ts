/**
 * @packageDocumentation
 *
 * `/plaintext/2.0.0` (specs/libp2p/plaintext): a ConnectionEncrypter that exchanges and checks
 * peer ids and public keys but encrypts nothing. For tests and debugging only; never offer it
 * on a real network.
 *
 * ```ts
 * import { plaintext } from '@libp2p/interface-compliance-tests/plaintext'
 *
 * const encrypter = plaintext()({ privateKey })
 * const { connection, remotePeer } = await encrypter.secureOutbound(maConn, { remotePeer, signal })
 * ```
 *
 * Errors: a malformed or oversized Exchange gives InvalidMessageError / MessageTooLargeError; a
 * key that does not decode InvalidPublicKeyError or UnsupportedKeyTypeError; an id that is not
 * the key's ProtocolError; another peer than `remotePeer` UnexpectedPeerError; the caller's
 * signal AbortError; no Exchange within `handshakeTimeout` (ms) TimeoutError.
 */
import { defaultLogger } from '@libp2p/logger'
import { PlaintextEncrypter } from './plaintext.js'
import type { ComponentLogger, ConnectionEncrypter, PrivateKey } from '@libp2p/interface'

export { PLAINTEXT_PROTOCOL, MAX_EXCHANGE_BYTES, DEFAULT_HANDSHAKE_TIMEOUT_MS } from './constants.js'
export { Exchange } from './pb/exchange.js'

export interface PlaintextInit {
  /** ms after which the handshake fails (default 10 s), also without a caller's signal */
  handshakeTimeout?: number
}

export interface PlaintextComponents {
  privateKey: PrivateKey
  /** defaults to `@libp2p/logger`'s defaultLogger() */
  logger?: ComponentLogger
}

export function plaintext (init: PlaintextInit = {}): (components: PlaintextComponents) => ConnectionEncrypter {
  return (components) => new PlaintextEncrypter({
    privateKey: components.privateKey,
    log: (components.logger ?? defaultLogger()).forComponent('libp2p:plaintext'),
    handshakeTimeout: init.handshakeTimeout
  })
}
