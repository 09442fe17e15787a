/**
 * The types of the WebSocket transport: its configuration (WebSocketsInit), what it needs from the
 * node (WebSocketsComponents) and its listener. Re-exported by index.ts.
 */
import type { ComponentLogger, Listener } from '@libp2p/interface'
import type { Server as HttpServer, ServerOptions as HttpServerOptions } from 'node:http'
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https'
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls'

/** Configuration of the WebSocket transport: js-libp2p's names where it has the option; times in milliseconds, sizes in bytes */
export interface WebSocketsInit {
  /**
   * Dial: TCP connect + TLS + the HTTP upgrade must finish within this. Listen (own server):
   * a socket must complete TLS and the upgrade within this. In ms; 0 disables.
   * (default DEFAULT_HANDSHAKE_TIMEOUT_MS)
   */
  handshakeTimeout?: number
  /** Node: the largest incoming WebSocket message in bytes; a bigger one closes the connection (code 1009, MessageTooLargeError) (default DEFAULT_MAX_MESSAGE_SIZE_BYTES) */
  maxMessageSize?: number
  /** Node: WebSocket connections per listener; further upgrade requests get HTTP 503 (default DEFAULT_MAX_CONNECTIONS) */
  maxConnections?: number
  /** Node: listener.close() lets connections close gracefully for this many ms, then aborts them; 0 aborts at once (default DEFAULT_LISTENER_CLOSE_TIMEOUT_MS) */
  listenerCloseTimeout?: number
  /** a connection's close() waits this many ms for the remote's close frame, then aborts (default DEFAULT_SOCKET_CLOSE_TIMEOUT_MS) */
  socketCloseTimeout?: number
  /** Node: http.createServer options (`maxHeaderSize`, `requestTimeout`...) for the server a ws listener creates */
  http?: HttpServerOptions
  /** Node: certificate and key (and any other https.createServer option) for wss listeners the transport creates */
  https?: HttpsServerOptions
  /** Node: serve ws listeners on this server instead of creating one (it keeps serving its own requests) */
  httpServer?: HttpServer
  /** Node: serve wss listeners on this server instead of creating one */
  httpsServer?: HttpsServer
  /**
   * Node: called with each https.Server a wss listener creates from `https`, once it is created
   * (js-libp2p has no such option). Its holder can swap the certificate of a running listener with
   * `server.setSecureContext({ cert, key })` (a renewed certificate, without a restart): new TLS
   * handshakes use it, open connections keep theirs.
   */
  onHttpsServer?(server: HttpsServer): void
  /**
   * Node: TLS options for wss dials, passed to tls.connect: `ca` to trust a private CA,
   * `rejectUnauthorized: false` to accept any certificate (tests only), client certificates...
   */
  tlsClientOptions?: TlsConnectionOptions
  /**
   * Sending pauses while the WebSocket's `bufferedAmount` (bytes handed to it and not yet sent) is
   * at least this many bytes: the connection's `send()` then buffers up to `writeHighWaterMark`
   * and returns false. Node: sending resumes when `ws` has written the last message handed to it.
   * Browsers: it resumes once `bufferedAmount` falls to a quarter of this.
   * (default NODE_BUFFERED_HIGH_WATER_BYTES in Node, BROWSER_BUFFERED_HIGH_WATER_BYTES in browsers;
   * js-libp2p's default is 4 MiB)
   */
  maxBufferedAmount?: number
  /**
   * Browsers: while sending is paused, `bufferedAmount` is checked after every incoming message
   * and at least every this many ms (the delay starts at BROWSER_DRAIN_CHECK_MIN_DELAY_MS and
   * doubles up to this). Node does not poll (`ws` reports when its data is written) and ignores it.
   * (default BROWSER_DRAIN_CHECK_MAX_DELAY_MS; js-libp2p polls every 10 ms)
   */
  bufferedAmountPollInterval?: number
  /** per-connection buffers, see `MessageStreamInit` in `@libp2p/utils` (defaults from there) */
  writeHighWaterMark?: number
  writeLowWaterMark?: number
  maxWriteBufferSize?: number
  readHighWaterMark?: number
}

/** What the transport needs from the node */
export interface WebSocketsComponents {
  /** without one, nothing is logged */
  logger?: ComponentLogger
}

/** A WebSocket listener: a Listener that also counts the upgrade requests it refused */
export interface WebSocketsListener extends Listener {
  /** upgrade requests answered with 503 because the listener had `maxConnections` open */
  readonly droppedConnections: number
  /** WebSocket connections currently open (upgrading or upgraded) */
  readonly connectionCount: number
}
