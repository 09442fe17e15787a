/**
 * The types of identify and identify push: what each service takes from the node (XComponents),
 * its configuration (XInit) and the service itself. Re-exported by index.ts.
 */
import type {
  AbortOptions, AddressManager, ComponentLogger, Connection, ConnectionManager, IdentifyResult, Libp2pEvents, PeerId,
  PeerStore, PrivateKey, Registrar, TypedEventTarget
} from '@libp2p/interface'

/** What identify takes from the node (a subset of libp2p's Components) */
export interface IdentifyComponents {
  peerId: PeerId
  privateKey: PrivateKey
  peerStore: PeerStore
  registrar: Registrar
  addressManager: AddressManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  /** `userAgent` is sent as the agent version */
  nodeInfo: { userAgent: string }
}

/** What identify push takes from the node: identify's components and the connections */
export interface IdentifyPushComponents extends IdentifyComponents {
  connectionManager: Pick<ConnectionManager, 'getConnections'>
}

/** js-libp2p's IdentifyInit / IdentifyPushInit options (plus agentVersion and maxMessages); times in milliseconds */
interface CommonInit {
  /** the protocol ids are `/<protocolPrefix>/id/1.0.0` and `/<protocolPrefix>/id/push/1.0.0` (default `ipfs`) */
  protocolPrefix?: string
  /** sent instead of `nodeInfo.userAgent` */
  agentVersion?: string
  /** one exchange (open the stream, send or read the message, close) must finish within this many ms (default 5000) */
  timeout?: number
  /** the largest length-prefixed message read from a peer (default 8192 bytes) */
  maxMessageSize?: number
  /** length-prefixed messages read from one stream before EOF, merged (default 10, as go-libp2p) */
  maxMessages?: number
  /** streams of the protocol a remote may hold open on one connection (default 1) */
  maxInboundStreams?: number
  /** streams of the protocol this node opens on one connection (default 1) */
  maxOutboundStreams?: number
  /** run on limited (relayed) connections too (default true, as go-libp2p and js-libp2p do) */
  runOnLimitedConnection?: boolean
}

export interface IdentifyInit extends CommonInit {
  /** identify the peer of every new connection (default true) */
  runOnConnectionOpen?: boolean
}

export interface IdentifyPushInit extends CommonInit {
  /** push when this node's protocols or addresses change (default true) */
  runOnSelfUpdate?: boolean
  /** peers pushed to at once (default 32) */
  concurrency?: number
  /**
   * wait this many ms after a change of this node's protocols or addresses, each further change
   * restarting the wait, then push once (default 0: push at once)
   */
  debounce?: number
}

export interface Identify {
  readonly protocol: string
  /**
   * Ask the peer of `connection` for its identify message; store it and dispatch `peer:identify`.
   * Rejects with TimeoutError after `timeout`, or the typed error of bad input.
   */
  identify(connection: Connection, options?: AbortOptions): Promise<IdentifyResult>
}

export interface IdentifyPush {
  readonly protocol: string
  /** push our identify message to every connected peer that speaks the push protocol */
  push(): Promise<void>
}
