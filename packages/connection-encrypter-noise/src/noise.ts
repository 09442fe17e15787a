import { AbortError, MuxerUnavailableError, serviceCapabilities } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { withTimeout } from '@libp2p/utils'
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, NOISE_PROTOCOL_ID } from './constants.js'
import { crypto } from './crypto/index.js'
import { initiatorHandshake, responderHandshake } from './handshake.js'
import { NoiseConnection } from './noise-connection.js'
import { encodeHandshakePayload, signStaticKey } from './payload.js'
import type { DHKeyPair } from './crypto/types.js'
import type { HandshakeResult } from './handshake.js'
import type { NoiseExtensions } from './pb/payload.js'
import type {
  ComponentLogger, ConnectionEncrypter, Logger, MessageStream, PrivateKey,
  SecureConnectionOptions, SecuredConnection, StreamMuxerFactory
} from '@libp2p/interface'

export interface NoiseInit {
  /**
   * The X25519 private key (32 bytes) to use as the static Noise key. By default a fresh one is
   * made for each encrypter and never stored, as the spec recommends; set it in tests only.
   */
  staticNoiseKey?: Uint8Array
  /**
   * Extensions sent in the handshake. `streamMuxers` is used when the upgrader passes no
   * `streamMuxers` option; `webtransportCerthashes` is sent as given.
   */
  extensions?: NoiseExtensionsInit
  /** ms after which a handshake is aborted with TimeoutError (default 10 s), on top of any signal */
  handshakeTimeout?: number
  /**
   * Mixed into the handshake hash before the first message (the Noise prologue). Both sides must
   * give the same bytes or the handshake fails; WebRTC-Direct binds the DTLS fingerprints this way.
   */
  prologueBytes?: Uint8Array
}

/** the extensions this side sends (specs/libp2p/noise, Noise Extensions) */
export interface NoiseExtensionsInit {
  /** multistream protocol ids of stream muxers, most preferred first */
  streamMuxers?: string[]
  /** multihashes of WebTransport certificates */
  webtransportCerthashes?: Uint8Array[]
}

export interface NoiseComponents {
  /** the node's identity key: it signs the static Noise key */
  privateKey: PrivateKey
  logger?: ComponentLogger
}

export interface NoiseSecuredConnection extends SecuredConnection<NoiseConnection> {
  /** the extensions the remote sent, available once its signature checked out */
  remoteExtensions?: NoiseExtensions
}

/** The noise-libp2p connection encrypter (protocol `/noise`) */
export class Noise implements ConnectionEncrypter {
  readonly protocol = NOISE_PROTOCOL_ID
  readonly [Symbol.toStringTag] = '@chainsafe/libp2p-noise'
  /** js-libp2p's capability names, for services that depend on an encrypter */
  readonly [serviceCapabilities] = ['@libp2p/connection-encryption', '@libp2p/noise']
  readonly #privateKey: PrivateKey
  readonly #staticKeyPair: DHKeyPair
  readonly #extensions?: NoiseExtensionsInit
  readonly #timeoutMs: number
  readonly #prologue?: Uint8Array
  readonly #log: Logger
  #signature?: Promise<Uint8Array>

  constructor (components: NoiseComponents, init: NoiseInit = {}) {
    this.#privateKey = components.privateKey
    this.#staticKeyPair = init.staticNoiseKey == null
      ? crypto.generateKeyPair()
      : crypto.keyPairFromPrivateKey(init.staticNoiseKey)
    this.#extensions = init.extensions
    this.#timeoutMs = init.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
    this.#prologue = init.prologueBytes
    this.#log = (components.logger ?? defaultLogger()).forComponent('libp2p:noise')
  }

  /** the static X25519 public key this encrypter proves in every handshake */
  get staticPublicKey (): Uint8Array {
    return this.#staticKeyPair.publicKey
  }

  async secureOutbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<NoiseSecuredConnection> {
    return this.#secure(true, connection, options)
  }

  async secureInbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<NoiseSecuredConnection> {
    return this.#secure(false, connection, options)
  }

  async #secure (initiator: boolean, connection: MessageStream, options: SecureConnectionOptions = {}): Promise<NoiseSecuredConnection> {
    const deadline = withTimeout(this.#timeoutMs, 'the Noise handshake', options.signal)
    try {
      const localMuxers = options.streamMuxers?.map(muxer => muxer.protocol) ?? this.#extensions?.streamMuxers ?? []
      const init = {
        crypto,
        staticKeyPair: this.#staticKeyPair,
        payload: await this.#payload(localMuxers),
        expectedPeer: options.remotePeer,
        prologue: this.#prologue
      }
      const result = initiator
        ? await initiatorHandshake(connection, init, { signal: deadline.signal })
        : await responderHandshake(connection, init, { signal: deadline.signal })
      const streamMuxer = chooseMuxer(initiator, localMuxers, result, options.streamMuxers)
      const secured: NoiseSecuredConnection = {
        connection: new NoiseConnection({ raw: result.connection, send: result.send, receive: result.receive, log: this.#log }),
        remotePeer: result.remotePeer,
        remoteExtensions: result.remoteExtensions,
        streamMuxer
      }
      if (this.#log.enabled) {
        this.#log('%s %s handshake with %p done%s', connection.id, initiator ? 'outbound' : 'inbound', secured.remotePeer,
          secured.streamMuxer == null ? '' : `, muxer ${secured.streamMuxer.protocol}`)
      }
      return secured
    } catch (cause: any) {
      // a caller's abort reason that is not an Error (abort('why')) still fails with a typed error
      const err: Error = cause instanceof Error ? cause : new AbortError('the Noise handshake was aborted')
      this.#log.error('%s %s handshake failed - %e', connection.id, initiator ? 'outbound' : 'inbound', err)
      connection.abort(err)
      throw err
    } finally {
      deadline.done()
    }
  }

  async #payload (streamMuxers: string[]): Promise<Uint8Array> {
    // the static key lives as long as this encrypter, so one signature serves every handshake
    this.#signature ??= Promise.resolve(signStaticKey(this.#privateKey, this.#staticKeyPair.publicKey))
    let signature: Uint8Array
    try {
      signature = await this.#signature
    } catch (err) {
      this.#signature = undefined
      throw err
    }
    const certhashes = this.#extensions?.webtransportCerthashes ?? []
    const extensions = streamMuxers.length > 0 || certhashes.length > 0
      ? { streamMuxers, webtransportCerthashes: certhashes }
      : undefined
    return encodeHandshakePayload(this.#privateKey.publicKey, signature, extensions)
  }
}

/**
 * Inlined muxer negotiation (specs/libp2p/connections/inlined-muxer-negotiation.md): the first
 * muxer of the initiator's list that the responder also lists. With no overlap (or a side that
 * sent no list) the result is undefined and the upgrader negotiates with multistream-select, as
 * go-libp2p and js-libp2p do (the spec's "MUST fail" would cut off peers whose lists differ).
 * A muxer agreed from `init.extensions.streamMuxers` that has no factory among
 * `options.streamMuxers` fails the handshake with MuxerUnavailableError.
 */
function chooseMuxer (initiator: boolean, localMuxers: string[], result: HandshakeResult, factories?: StreamMuxerFactory[]): StreamMuxerFactory | undefined {
  const remoteMuxers = result.remoteExtensions?.streamMuxers ?? []
  const [initiatorList, responderList] = initiator ? [localMuxers, remoteMuxers] : [remoteMuxers, localMuxers]
  const chosen = initiatorList.find(protocol => responderList.includes(protocol))
  if (chosen == null) { return undefined }
  const factory = factories?.find(factory => factory.protocol === chosen)
  if (factory == null) {
    // the remote now runs the muxer without negotiating it: carrying on without it would desync
    throw new MuxerUnavailableError(`${chosen} was agreed in the Noise handshake but no stream muxer factory for it was passed in the streamMuxers option`)
  }
  return factory
}
