import type { AbortOptions } from './abort-options.js'
import type { PeerId } from './peer-id.js'
import type { StreamMuxerFactory } from './stream-muxer.js'
import type { MessageStream } from './stream.js'

export interface SecureConnectionOptions extends AbortOptions {
  /** the peer being dialled: the encrypter fails with UnexpectedPeerError if another peer answers */
  remotePeer?: PeerId
  /** the muxers this side offers, for encrypters that negotiate the muxer inside the handshake */
  streamMuxers?: StreamMuxerFactory[]
}

export interface SecuredConnection<S extends MessageStream = MessageStream> {
  /** the encrypted byte stream */
  connection: S
  /** the peer the handshake proved */
  remotePeer: PeerId
  /** set when the handshake also chose the muxer (Noise extensions), so no multistream round trip is needed */
  streamMuxer?: StreamMuxerFactory
}

/** Turns a raw byte stream into an authenticated, encrypted one */
export interface ConnectionEncrypter {
  /** the multistream-select protocol id, e.g. /noise */
  readonly protocol: string
  secureOutbound(connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection>
  secureInbound(connection: MessageStream, options?: SecureConnectionOptions): Promise<SecuredConnection>
}
