/**
 * @packageDocumentation
 *
 * The ping protocol (specs/libp2p/ping, `/ipfs/ping/1.0.0`): the dialer sends 32 random bytes,
 * the listener echoes them, the dialer measures the round trip.
 *
 * ```ts
 * import { ping } from '@libp2p/ping'
 *
 * const node = await createLibp2p({ ..., services: { ping: ping() } })
 * const ms = await node.services.ping.ping(peerIdOrMultiaddr)
 * ```
 *
 * `ping(peer)` dials if needed, opens one stream, sends one payload, checks the echo and closes
 * the stream. It rejects with `TimeoutError` after `timeout` (the caller's signal can end it
 * earlier), `ProtocolError` when the echo differs from what was sent, or the dial's or stream's
 * error. The handler echoes any number of payloads on one stream until the remote closes its
 * write side; a stream idle for `idleTimeout` is aborted.
 */
import { validateInit } from '@libp2p/utils'
import { PING_INIT_SCHEMA } from './init-schema.js'
import { Ping as PingService } from './ping.js'
import type { Ping, PingComponents, PingInit } from './types.js'

export {
  PING_PROTOCOL, PING_LENGTH_BYTES, DEFAULT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_INBOUND_STREAMS,
  DEFAULT_MAX_OUTBOUND_STREAMS
} from './constants.js'
export type { Ping, PingComponents, PingInit }

/** the `/ipfs/ping/1.0.0` service */
export function ping (init: PingInit = {}): (components: PingComponents) => Ping {
  validateInit('ping()', init, PING_INIT_SCHEMA)
  return (components) => new PingService(components, init)
}
