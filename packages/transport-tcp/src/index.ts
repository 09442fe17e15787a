/**
 * @packageDocumentation
 *
 * A TCP transport for Node.js: dials and listens on `/ip4/.../tcp/N` and `/ip6/.../tcp/N`, and
 * dials `/dns4|dns6|dns/<name>/tcp/N` (node:net resolves the name). Every socket has
 * TCP_NODELAY set, keep-alive, an inactivity timeout and half-close.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { tcp } from '@libp2p/tcp'
 *
 * const node = await createLibp2p({
 *   addresses: { listen: ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0'] },
 *   transports: [tcp({ maxConnections: 512 })]
 * })
 * ```
 *
 * In browsers `tcp()` returns a transport that can dial and listen on nothing (its filters return
 * no addresses), so a configuration shared between Node and browsers needs no special case.
 */
import { TCPTransport } from './transport.js'
import type { ComponentLogger, Listener, Transport } from '@libp2p/interface'

/** Configuration of the TCP transport (js-libp2p's options, with the unit in every time option's name) */
export interface TCPOptions {
  /** give up a dial whose TCP handshake takes longer than this (default DEFAULT_DIAL_TIMEOUT_MS; 0 disables) */
  dialTimeoutMs?: number
  /** abort inbound sockets without reads or writes for this long (default DEFAULT_INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS; 0 disables) */
  inboundSocketInactivityTimeoutMs?: number
  /** abort outbound sockets without reads or writes for this long (default DEFAULT_OUTBOUND_SOCKET_INACTIVITY_TIMEOUT_MS; 0 disables) */
  outboundSocketInactivityTimeoutMs?: number
  /** a connection's close() waits this long for the remote's FIN, then resets (default DEFAULT_SOCKET_CLOSE_TIMEOUT_MS) */
  socketCloseTimeoutMs?: number
  /** listener.close() lets connections close gracefully for this long, then aborts them; 0 aborts at once (default DEFAULT_LISTENER_CLOSE_TIMEOUT_MS) */
  listenerCloseTimeoutMs?: number
  /** open sockets per listener; more are closed as soon as they are accepted (default DEFAULT_MAX_CONNECTIONS) */
  maxConnections?: number
  /** listen(2) backlog (default DEFAULT_BACKLOG) */
  backlog?: number
  /** SO_KEEPALIVE (default DEFAULT_KEEP_ALIVE) */
  keepAlive?: boolean
  /** idle time before the first keep-alive probe (default DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS) */
  keepAliveInitialDelayMs?: number
  /** per-connection buffers, see `MessageStreamInit` in `@libp2p/utils` (defaults from there) */
  writeHighWaterBytes?: number
  writeLowWaterBytes?: number
  maxWriteBufferBytes?: number
  maxReadBufferBytes?: number
}

/** What the transport needs from the node */
export interface TCPComponents {
  /** without one, nothing is logged */
  logger?: ComponentLogger
}

/** A TCP listener: a Listener that also counts the sockets it refused */
export interface TCPListener extends Listener {
  /** sockets closed at once because the listener had `maxConnections` open */
  readonly droppedConnections: number
  /** sockets currently open (upgrading or upgraded) */
  readonly connectionCount: number
}

/** The TCP transport factory: `transports: [tcp()]` */
export function tcp (init: TCPOptions = {}): (components: TCPComponents) => Transport {
  return (components) => new TCPTransport(init, components)
}

export { ListenError } from './errors.js'
export * from './constants.js'
