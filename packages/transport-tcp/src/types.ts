/**
 * The types of the TCP transport: its configuration (TCPOptions, also exported as TCPInit), what
 * it needs from the node (TCPComponents) and its listener. Re-exported by index.ts.
 */
import type { ComponentLogger, Listener } from '@libp2p/interface'

/**
 * Socket options for one direction (js-libp2p's `TCPSocketOptions`, without `allowHalfOpen`:
 * every socket is half-open so that closeWrite() is a real half-close)
 */
export interface TCPSocketOptions {
  /** TCP_NODELAY (default DEFAULT_NO_DELAY) */
  noDelay?: boolean
  /** SO_KEEPALIVE (default DEFAULT_KEEP_ALIVE) */
  keepAlive?: boolean
  /** idle time in ms before the first keep-alive probe (default DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS) */
  keepAliveInitialDelay?: number
}

/**
 * js-libp2p's `CloseServerOnMaxConnectionsOpts`: stop accepting (close the listening socket,
 * keep the connections) at `closeAbove` open connections, listen again on the same address and
 * port below `listenBelow`. Counts are of the listener's open sockets, upgrading or upgraded
 * (`connectionCount`); both are positive integers and `listenBelow <= closeAbove`.
 */
export interface CloseServerOnMaxConnectionsOpts {
  /** listen again once the listener has fewer open connections than this */
  listenBelow: number
  /** close the listening socket once the listener has this many open connections or more */
  closeAbove: number
  /**
   * called when listening again fails (e.g. another socket took the port meanwhile) with a
   * ListenError whose `cause` is the system error (js-libp2p passes the system error itself); the
   * listener stays paused, logs the error, and tries again each time one of its connections
   * closes below `listenBelow`. What it throws is logged.
   */
  onListenError?(err: Error): void
}

/** Configuration of the TCP transport: js-libp2p's names for the options it has, the same style for the others; every time is in milliseconds */
export interface TCPOptions {
  /** give up a dial whose TCP handshake takes longer than this many ms (default DEFAULT_DIAL_TIMEOUT_MS; 0 disables) */
  dialTimeout?: number
  /** abort inbound sockets without reads or writes for this many ms (default DEFAULT_INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS; 0 disables) */
  inboundSocketInactivityTimeout?: number
  /** abort outbound sockets without reads or writes for this many ms (default DEFAULT_OUTBOUND_SOCKET_INACTIVITY_TIMEOUT_MS; 0 disables) */
  outboundSocketInactivityTimeout?: number
  /** a connection's close() waits this many ms for the remote's FIN, then resets (default DEFAULT_SOCKET_CLOSE_TIMEOUT_MS) */
  socketCloseTimeout?: number
  /** listener.close() lets connections close gracefully for this many ms, then aborts them; 0 aborts at once (default DEFAULT_LISTENER_CLOSE_TIMEOUT_MS) */
  listenerCloseTimeout?: number
  /** open sockets per listener; more are closed as soon as they are accepted (default DEFAULT_MAX_CONNECTIONS) */
  maxConnections?: number
  /**
   * close the listening socket while a listener has many connections, listen again when they
   * are fewer (default: never; `maxConnections` still applies to the sockets accepted meanwhile)
   */
  closeServerOnMaxConnections?: CloseServerOnMaxConnectionsOpts
  /** listen(2) backlog (default DEFAULT_BACKLOG) */
  backlog?: number
  /** socket options of outbound connections */
  dialOpts?: TCPSocketOptions
  /** socket options of inbound connections */
  listenOpts?: TCPSocketOptions
  /** per-connection buffers, see `MessageStreamInit` in `@libp2p/utils` (defaults from there) */
  writeHighWaterMark?: number
  writeLowWaterMark?: number
  maxWriteBufferSize?: number
  readHighWaterMark?: number
}

/**
 * The same type as TCPOptions, under this repository's name for constructor config (`XInit`).
 * Both are exported: js-libp2p's `@libp2p/tcp` names it `TCPOptions`, so code written for js-libp2p
 * keeps compiling, and `TCPInit` matches every other package here.
 */
export type TCPInit = TCPOptions

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
  /**
   * true while `closeServerOnMaxConnections` holds the listening socket closed (new connects are
   * refused; getAddrs() still reports the address, which is listened on again later)
   */
  readonly paused: boolean
}
