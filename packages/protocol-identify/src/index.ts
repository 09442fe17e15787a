/**
 * @packageDocumentation
 *
 * The identify protocols (specs/libp2p/identify): `/ipfs/id/1.0.0`, with which peers learn each
 * other's public key, listen addresses (certified by a signed peer record), protocols, agent
 * version and the address they see each other at; and `/ipfs/id/push/1.0.0`, with which a node
 * tells connected peers when its protocols or addresses change.
 *
 * ```ts
 * import { identify, identifyPush } from '@libp2p/identify'
 *
 * const node = await createLibp2p({
 *   // ...transports, encrypters, muxers
 *   services: { identify: identify(), identifyPush: identifyPush() }
 * })
 * node.addEventListener('peer:identify', (evt) => {
 *   console.info(evt.detail.peerId, evt.detail.agentVersion, evt.detail.protocols)
 * })
 * ```
 *
 * `identify()` identifies the peer of every new connection (including limited, relayed ones) and
 * answers identify requests; `identifyPush()` pushes on every `self:peer:update` that changes this
 * node's protocols or addresses, to each connected peer that speaks the push protocol (at most
 * `concurrency` at once), and stores pushes it receives.
 *
 * Bad input from a peer (a message over `maxMessageSize`, bytes that do not decode, a public key
 * or signed peer record of another peer, a record whose signature does not verify) rejects the
 * exchange with a typed error (`MessageTooLargeError`, `InvalidMessageError`,
 * `UnexpectedPeerError`, `InvalidSignatureError`...), logged, and aborts the stream; the
 * connection stays open and nothing from that message is stored.
 */
import { validateInit } from '@libp2p/utils'
import { IdentifyPush as IdentifyPushService } from './identify-push.js'
import { Identify as IdentifyService } from './identify.js'
import { IDENTIFY_INIT_SCHEMA, IDENTIFY_PUSH_INIT_SCHEMA } from './init-schema.js'
import type {
  AbortOptions, AddressManager, ComponentLogger, Connection, ConnectionManager, IdentifyResult, Libp2pEvents, PeerId,
  PeerStore, PrivateKey, Registrar, TypedEventTarget
} from '@libp2p/interface'

export {
  IDENTIFY_PROTOCOL, IDENTIFY_PUSH_PROTOCOL, PROTOCOL_VERSION, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGES, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS, DEFAULT_MAX_PUSH_INBOUND_STREAMS,
  DEFAULT_MAX_PUSH_OUTBOUND_STREAMS, DEFAULT_PUSH_CONCURRENCY, DEFAULT_PUSH_DEBOUNCE_MS, AGENT_VERSION_KEY, PROTOCOL_VERSION_KEY
} from './constants.js'
export { Identify as IdentifyMessage } from './pb/message.js'
export type { IdentifyResult }

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

/** the `/ipfs/id/1.0.0` service */
export function identify (init: IdentifyInit = {}): (components: IdentifyComponents) => Identify {
  validateInit('identify()', init, IDENTIFY_INIT_SCHEMA)
  return (components) => new IdentifyService(components, init)
}

/** the `/ipfs/id/push/1.0.0` service */
export function identifyPush (init: IdentifyPushInit = {}): (components: IdentifyPushComponents) => IdentifyPush {
  validateInit('identifyPush()', init, IDENTIFY_PUSH_INIT_SCHEMA)
  return (components) => new IdentifyPushService(components, init)
}
