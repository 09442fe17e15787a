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
import type { Identify, IdentifyComponents, IdentifyInit, IdentifyPush, IdentifyPushComponents, IdentifyPushInit } from './types.js'
import type { IdentifyResult } from '@libp2p/interface'

export {
  IDENTIFY_PROTOCOL, IDENTIFY_PUSH_PROTOCOL, PROTOCOL_VERSION, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGES, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS, DEFAULT_MAX_PUSH_INBOUND_STREAMS,
  DEFAULT_MAX_PUSH_OUTBOUND_STREAMS, DEFAULT_PUSH_CONCURRENCY, DEFAULT_PUSH_DEBOUNCE_MS, AGENT_VERSION_KEY, PROTOCOL_VERSION_KEY
} from './constants.js'
export { Identify as IdentifyMessage } from './pb/message.js'
export type { IdentifyResult }
export type { Identify, IdentifyComponents, IdentifyInit, IdentifyPush, IdentifyPushComponents, IdentifyPushInit }

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
