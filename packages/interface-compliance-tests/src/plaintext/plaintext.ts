import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { AbortError, InvalidMessageError, InvalidPublicKeyError, ProtocolError, UnexpectedPeerError } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromPublicKey } from '@libp2p/peer-id'
import { handshakeStream, withTimeout } from '@libp2p/utils'
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, MAX_EXCHANGE_BYTES, PLAINTEXT_PROTOCOL } from './constants.js'
import { Exchange } from './pb/exchange.js'
import type {
  ConnectionEncrypter, Logger, MessageStream, PeerId, PrivateKey, PublicKey, SecureConnectionOptions, SecuredConnection
} from '@libp2p/interface'

export interface PlaintextEncrypterInit {
  privateKey: PrivateKey
  log: Logger
  handshakeTimeout?: number
}

/** errors whose name says nothing: a key decoder that threw one is reported as InvalidPublicKeyError */
const UNTYPED = new Set(['Error', 'TypeError', 'RangeError'])

/**
 * /plaintext/2.0.0: both sides send one length-prefixed Exchange { id, pubkey } at once and read
 * the other's. The remote's id must be the id of its key, and the id the caller dialled if it
 * gave one. Afterwards the stream carries the application's bytes unchanged. Any failure aborts
 * the stream ("terminated abruptly", as the spec asks) and rejects with a typed error.
 */
export class PlaintextEncrypter implements ConnectionEncrypter {
  readonly protocol = PLAINTEXT_PROTOCOL
  readonly #privateKey: PrivateKey
  readonly #peerId: PeerId
  readonly #log: Logger
  readonly #timeoutMs: number

  constructor (init: PlaintextEncrypterInit) {
    this.#privateKey = init.privateKey
    this.#peerId = peerIdFromPrivateKey(init.privateKey)
    this.#log = init.log
    this.#timeoutMs = init.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
  }

  async secureOutbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return this.#handshake(connection, options)
  }

  async secureInbound (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    return this.#handshake(connection, options)
  }

  async #handshake (connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection> {
    const deadline = withTimeout(this.#timeoutMs, 'the plaintext handshake', options?.signal)
    const signal = deadline.signal
    const stream = handshakeStream(connection)
    try {
      const local: Exchange = {
        id: this.#peerId.toMultihash().bytes,
        // protons types fields as Uint8Array<ArrayBuffer>; the key encoder never returns a shared buffer
        pubkey: publicKeyToProtobuf(this.#privateKey.publicKey) as Uint8Array<ArrayBuffer>
      }
      const [, remote] = await Promise.all([
        stream.writePB(local, Exchange, { signal }),
        stream.readPB(Exchange, { signal, maxDataLength: MAX_EXCHANGE_BYTES })
      ])
      const remotePeer = this.#verify(remote, options?.remotePeer)
      this.#log('%s handshake with %p done', connection.direction, remotePeer)
      return { connection: stream.unwrap(), remotePeer }
    } catch (cause: any) {
      let err: Error = cause
      if (options?.signal?.aborted === true) {
        err = new AbortError('the plaintext handshake was aborted')
      } else if (signal.aborted) {
        // the deadline's TimeoutError
        err = signal.reason
      }
      this.#log.error('%s handshake failed - %e', connection.direction, err)
      connection.abort(err)
      throw err
    } finally {
      deadline.done()
    }
  }

  #verify (remote: Exchange, expected?: PeerId): PeerId {
    if (remote.id == null || remote.pubkey == null) {
      throw new InvalidMessageError('the remote\'s Exchange message lacks its id or public key')
    }
    let key: PublicKey
    try {
      key = publicKeyFromProtobuf(remote.pubkey)
    } catch (err: any) {
      throw UNTYPED.has(err?.name) ? new InvalidPublicKeyError(`the remote's public key does not decode: ${err.message}`) : err
    }
    const remotePeer = peerIdFromPublicKey(key)
    if (!remotePeer.equals(remote.id)) {
      throw new ProtocolError(`the remote's id does not belong to its public key ${remotePeer.toString()}`)
    }
    if (expected != null && !expected.equals(remotePeer)) {
      throw new UnexpectedPeerError(`dialled ${expected.toString()} but ${remotePeer.toString()} answered`)
    }
    return remotePeer
  }
}
