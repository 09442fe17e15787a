import { createServer as createHttpServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { AbortError, InvalidMultiaddrError, InvalidParametersError, ListenError, TypedEventEmitter } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { WebSocketServer } from 'ws'
import { WS_CLOSE_BACKSTOP_MARGIN_MS } from './constants.js'
import { toListenAddress } from './multiaddr.js'
import { boundMultiaddrs, remoteMultiaddr } from './socket-addrs.js'
import type { WebSocketConnection } from './connection.js'
import type { ListenAddress } from './multiaddr.js'
import type { WebSocketsSettings, WrapWebSocket } from './transport.js'
import type { WebSocketsListener } from './types.js'
import type { AbortOptions, Connection, ListenerEvents, Logger, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { ServerOptions, WebSocket } from 'ws'

/** ws 8.23 reads `closeTimeout`, which `@types/ws` 8.18 does not list yet */
type WsServerOptions = ServerOptions & { closeTimeout?: number }

export interface WebSocketListenerInit {
  upgrader: Upgrader
  settings: WebSocketsSettings
  log: Logger
  wrap: WrapWebSocket
}

type Status = 'idle' | 'binding' | 'listening' | 'closing' | 'closed'
type AnyServer = HttpServer | HttpsServer

/** servers a listener is attached to: one listener per server */
const attached = new WeakSet<AnyServer>()

const UPGRADE_REQUIRED_BODY = 'This is a libp2p WebSocket endpoint: connect with a WebSocket client.\n'
const SERVICE_UNAVAILABLE = 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'

/**
 * One bound address. Upgrade requests become WebSocket connections that go through
 * `upgrader.upgradeInbound()`; a failed upgrade closes only that connection.
 *
 * The HTTP server is the listener's own (created per listen(), with `https` options for wss), or
 * the `httpServer` / `httpsServer` passed to the transport. On its own server the listener
 * answers plain HTTP requests with 426 Upgrade Required and closes sockets that have not upgraded
 * within `handshakeTimeout`. On a shared server it only handles 'upgrade' events: the
 * application serves its pages and bounds its own request timeouts. Either way, malformed
 * WebSocket handshakes get 400 from `ws` and the listener keeps serving.
 *
 * close() stops handling upgrades, lets open connections close gracefully for
 * `listenerCloseTimeout`, aborts the rest, and closes the server if this listener bound it.
 */
export class WebSocketListenerImpl extends TypedEventEmitter<ListenerEvents> implements WebSocketsListener {
  readonly #init: WebSocketListenerInit
  readonly #log: Logger
  readonly #wss: WebSocketServer
  /** open WebSocket connections, with their connection once upgraded */
  readonly #conns = new Map<WebSocketConnection, Connection | undefined>()
  /** own server: accepted sockets that have not upgraded yet, with their deadline */
  readonly #handshakes = new Map<Duplex, ReturnType<typeof setTimeout>>()
  /** aborts in-flight upgrades when the listener closes */
  readonly #shutdown = new AbortController()
  readonly #detach: Array<() => void> = []
  #server?: AnyServer
  #ownServer = false
  #boundByUs = false
  #secure = false
  #status: Status = 'idle'
  #dropped = 0
  #closing?: Promise<void>

  constructor (init: WebSocketListenerInit) {
    super()
    this.#init = init
    this.#log = init.log
    const options: WsServerOptions = {
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: init.settings.maxMessageSize,
      closeTimeout: init.settings.socketCloseTimeout + WS_CLOSE_BACKSTOP_MARGIN_MS
    }
    this.#wss = new WebSocketServer(options)
  }

  get droppedConnections (): number {
    return this.#dropped
  }

  get connectionCount (): number {
    return this.#conns.size
  }

  async listen (ma: Multiaddr): Promise<void> {
    const addr = toListenAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a WebSocket listen address (/ip4|ip6/<addr>/tcp/<port>/ws, /wss or /tls/ws)`) }
    if (this.#status !== 'idle') { throw new ListenError(`cannot listen on ${ma.toString()}: the listener is ${this.#status}`) }
    this.#ownServer = false
    this.#secure = addr.secure
    const server = this.#serverFor(addr)
    if (attached.has(server)) { throw new ListenError(`cannot listen on ${ma.toString()}: its HTTP server already serves another WebSocket listener`) }
    this.#status = 'binding'
    this.#server = server
    attached.add(server)
    this.#attach(server)
    try {
      if (!server.listening) {
        await bind(server, addr)
        this.#boundByUs = true
      } else {
        const bound = server.address() as AddressInfo | null
        if (bound == null || typeof bound === 'string' || (addr.port !== 0 && bound.port !== addr.port)) {
          throw new InvalidParametersError(`the shared server listens on ${JSON.stringify(bound)}, not port ${addr.port}`)
        }
      }
    } catch (err: any) {
      this.#unattach()
      this.#status = 'idle'
      throw new ListenError(`cannot listen on ${ma.toString()}: ${err.message}`, { cause: err })
    }
    if (this.#status !== 'binding') {
      // close() ran while the server was binding
      if (this.#boundByUs) { server.close() }
      throw new ListenError(`cannot listen on ${ma.toString()}: the listener was closed while binding`)
    }
    this.#status = 'listening'
    this.#log('listening on %a', ma)
    this.safeDispatchEvent('listening')
  }

  getAddrs (): Multiaddr[] {
    if (this.#status !== 'listening' || this.#server == null) { return [] }
    const bound = this.#server.address() as AddressInfo | string | null
    if (bound == null || typeof bound === 'string') { return [] }
    return boundMultiaddrs(bound.address, bound.port, this.#secure)
  }

  async close (options?: AbortOptions): Promise<void> {
    this.#closing ??= this.#close(options)
    await this.#closing
  }

  async #close (options?: AbortOptions): Promise<void> {
    const wasListening = this.#status === 'listening'
    this.#status = 'closing'
    const reason = new AbortError('the listener closed')
    this.#shutdown.abort(reason)
    for (const [socket, timer] of this.#handshakes) {
      clearTimeout(timer)
      socket.destroy()
    }
    this.#handshakes.clear()

    const timeoutMs = this.#init.settings.listenerCloseTimeout
    const deadline = withTimeout(Math.max(timeoutMs, 0), 'closing the listener\'s connections (listenerCloseTimeout)', options?.signal)
    const signal = deadline.signal
    await Promise.all([...this.#conns].map(async ([maConn, conn]) => {
      if (conn != null && timeoutMs > 0) {
        try {
          await conn.close({ signal })
        } catch (err: any) {
          conn.abort(err)
        }
      }
      // not upgraded, or the connection closed without closing its WebSocket
      maConn.abort(reason)
    }))
    // every close above caught its own error: the deadline is released on every path
    deadline.done()

    const server = this.#server
    this.#unattach()
    if (wasListening && server != null && this.#boundByUs) {
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      server.closeAllConnections()
      await closed
    }
    this.#status = 'closed'
    this.#log('closed')
    this.safeDispatchEvent('close')
  }

  #serverFor (addr: ListenAddress): AnyServer {
    const s = this.#init.settings
    if (!addr.secure) {
      if (s.httpServer != null) { return s.httpServer }
      this.#ownServer = true
      return createHttpServer(s.http ?? {})
    }
    if (s.httpsServer != null) { return s.httpsServer }
    if (s.https == null) {
      throw new InvalidParametersError('listening on wss needs a certificate: pass `https: { cert, key }` or an `httpsServer` to webSockets()')
    }
    this.#ownServer = true
    const server = createHttpsServer({ ...s.https, handshakeTimeout: s.handshakeTimeout > 0 ? s.handshakeTimeout : undefined })
    s.onHttpsServer?.(server)
    return server
  }

  #on (server: AnyServer, event: string, handler: (...args: any[]) => void): void {
    server.on(event, handler)
    this.#detach.push(() => { server.off(event, handler) })
  }

  #attach (server: AnyServer): void {
    this.#on(server, 'upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => { this.#onUpgrade(req, socket, head) })
    this.#on(server, 'error', (err: Error) => {
      if (this.#status !== 'listening') { return } // reported by listen()
      this.#log.error('server error - %e', err)
      this.safeDispatchEvent('error', { detail: err })
    })
    if (!this.#ownServer) { return }
    this.#on(server, 'request', (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket', 'Content-Type': 'text/plain' })
      res.end(UPGRADE_REQUIRED_BODY)
    })
    // for TLS, the server's handshakeTimeout bounds the time before 'secureConnection'
    this.#on(server, this.#secure ? 'secureConnection' : 'connection', (socket: Socket) => { this.#onSocket(socket) })
  }

  #unattach (): void {
    for (const detach of this.#detach.splice(0)) { detach() }
    if (this.#server != null) { attached.delete(this.#server) }
  }

  /** own server: a socket must upgrade within handshakeTimeout */
  #onSocket (socket: Socket): void {
    if (this.#status !== 'listening') {
      socket.destroy()
      return
    }
    const timeoutMs = this.#init.settings.handshakeTimeout
    if (timeoutMs <= 0) { return }
    const timer = setTimeout(() => {
      this.#handshakes.delete(socket)
      this.#log('closing a socket from %s:%s that did not upgrade within handshakeTimeout=%d', socket.remoteAddress, socket.remotePort, timeoutMs)
      socket.destroy()
    }, timeoutMs)
    this.#handshakes.set(socket, timer)
    socket.once('close', () => {
      clearTimeout(timer)
      this.#handshakes.delete(socket)
    })
  }

  #onUpgrade (req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const net = socket as Socket
    const remoteAddr = remoteMultiaddr(net.remoteAddress, net.remotePort, this.#secure)
    if (this.#status !== 'listening' || remoteAddr == null) {
      socket.destroy()
      return
    }
    const max = this.#init.settings.maxConnections
    if (this.#conns.size >= max) {
      this.#dropped++
      this.#log('refused a WebSocket from %a: limit maxConnections=%d reached (raise it with the maxConnections option)', remoteAddr, max)
      socket.on('error', () => {})
      socket.end(SERVICE_UNAVAILABLE)
      return
    }
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const timer = this.#handshakes.get(socket)
      if (timer != null) {
        clearTimeout(timer)
        this.#handshakes.delete(socket)
      }
      this.#onWebSocket(ws, remoteAddr)
    })
  }

  #onWebSocket (ws: WebSocket, remoteAddr: Multiaddr): void {
    const maConn = this.#init.wrap(ws, 'inbound', remoteAddr)
    this.#conns.set(maConn, undefined)
    maConn.addEventListener('close', () => { this.#conns.delete(maConn) }, { once: true })
    if (this.#log.enabled) { this.#log('accepted %s from %a', maConn.id, remoteAddr) }

    this.#init.upgrader.upgradeInbound(maConn, { signal: this.#shutdown.signal })
      .then((conn) => {
        if (!this.#conns.has(maConn)) {
          conn.abort(new AbortError('the WebSocket closed during the upgrade'))
          return
        }
        this.#conns.set(maConn, conn)
        this.safeDispatchEvent('connection', { detail: conn })
      }, (err: Error) => {
        this.#log.error('inbound upgrade of %s from %a failed - %e', maConn.id, remoteAddr, err)
        maConn.abort(err)
        this.safeDispatchEvent('error', { detail: err })
      })
  }
}

async function bind (server: AnyServer, addr: ListenAddress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => { reject(err) }
    server.once('error', onError)
    server.listen({
      host: addr.host,
      port: addr.port,
      // so /ip4/0.0.0.0/tcp/N/ws and /ip6/::/tcp/N/ws can be bound side by side
      ipv6Only: addr.family === 6
    }, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
