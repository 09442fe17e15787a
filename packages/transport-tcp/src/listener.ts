import { createServer } from 'node:net'
import { AbortError, InvalidMultiaddrError, TypedEventEmitter } from '@libp2p/interface'
import { ListenError } from './errors.js'
import { listenAddresses, toListenAddress, toMultiaddr } from './multiaddr.js'
import type { TCPConnection } from './connection.js'
import type { TCPListener } from './index.js'
import type { TCPSettings, WrapSocket } from './transport.js'
import type { AbortOptions, Connection, ListenerEvents, Logger, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AddressInfo, Server, Socket } from 'node:net'

export interface TCPListenerInit {
  upgrader: Upgrader
  settings: TCPSettings
  log: Logger
  wrap: WrapSocket
}

type Status = 'idle' | 'binding' | 'listening' | 'closing' | 'closed'

/**
 * One bound address. Accepted sockets become MultiaddrConnections and go through
 * `upgrader.upgradeInbound()`; a failed upgrade closes only that socket. close() stops accepting,
 * lets open connections close gracefully for `listenerCloseTimeout` ms, then aborts the rest.
 */
export class TCPListenerImpl extends TypedEventEmitter<ListenerEvents> implements TCPListener {
  readonly #init: TCPListenerInit
  readonly #log: Logger
  readonly #server: Server
  /** open sockets, with their connection once upgraded */
  readonly #conns = new Map<TCPConnection, Connection | undefined>()
  /** aborts in-flight upgrades when the listener closes */
  readonly #shutdown = new AbortController()
  #status: Status = 'idle'
  #dropped = 0
  #closing?: Promise<void>

  constructor (init: TCPListenerInit) {
    super()
    this.#init = init
    this.#log = init.log
    this.#server = createServer({ allowHalfOpen: true }, (socket) => { this.#onSocket(socket) })
    this.#server.maxConnections = init.settings.maxConnections
    // node:net closes sockets accepted beyond maxConnections before they reach us
    this.#server.on('drop', (data) => {
      this.#dropped++
      this.#log('refused a connection from %s:%s: limit maxConnections=%d reached (raise it with the maxConnections option)',
        data?.remoteAddress, data?.remotePort, init.settings.maxConnections)
    })
    this.#server.on('error', (err) => {
      if (this.#status === 'binding') { return } // reported by listen()
      this.#log.error('server error - %e', err)
      this.safeDispatchEvent('error', { detail: err })
    })
  }

  get droppedConnections (): number {
    return this.#dropped
  }

  get connectionCount (): number {
    return this.#conns.size
  }

  async listen (ma: Multiaddr): Promise<void> {
    const addr = toListenAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a TCP listen address`) }
    if (this.#status !== 'idle') { throw new ListenError(`cannot listen on ${ma.toString()}: the listener is ${this.#status}`) }
    this.#status = 'binding'
    const server = this.#server
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => { reject(err) }
        server.once('error', onError)
        server.listen({
          host: addr.host,
          port: addr.port,
          backlog: this.#init.settings.backlog,
          // so /ip4/0.0.0.0/tcp/N and /ip6/::/tcp/N can be bound side by side
          ipv6Only: addr.family === 6
        }, () => {
          server.off('error', onError)
          resolve()
        })
      })
    } catch (err: any) {
      this.#status = 'idle'
      throw new ListenError(`cannot listen on ${ma.toString()}: ${err.message}`, { cause: err })
    }
    this.#status = 'listening'
    this.#log('listening on %a', ma)
    this.safeDispatchEvent('listening')
  }

  getAddrs (): Multiaddr[] {
    if (this.#status !== 'listening') { return [] }
    const bound = this.#server.address() as AddressInfo | null
    return bound == null ? [] : listenAddresses(bound.address, bound.port)
  }

  async close (options?: AbortOptions): Promise<void> {
    this.#closing ??= this.#close(options)
    await this.#closing
  }

  async #close (options?: AbortOptions): Promise<void> {
    this.#status = 'closing'
    const server = this.#server
    // stop accepting; the callback runs once every accepted socket has closed
    const serverClosed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
    const reason = new AbortError('the listener closed')
    this.#shutdown.abort(reason)

    const timeoutMs = this.#init.settings.listenerCloseTimeout
    const signals = [AbortSignal.timeout(Math.max(timeoutMs, 0))]
    if (options?.signal != null) { signals.push(options.signal) }
    const signal = AbortSignal.any(signals)

    await Promise.all([...this.#conns].map(async ([maConn, conn]) => {
      if (conn != null && timeoutMs > 0) {
        try {
          await conn.close({ signal })
        } catch (err: any) {
          conn.abort(err)
        }
      }
      // not upgraded, or the connection closed without closing its socket
      maConn.abort(reason)
    }))
    await serverClosed
    this.#status = 'closed'
    this.#log('closed')
    this.safeDispatchEvent('close')
  }

  #onSocket (socket: Socket): void {
    const remoteAddr = socket.remoteAddress == null || socket.remotePort == null
      ? undefined
      : toMultiaddr(socket.remoteAddress, socket.remotePort)
    if (this.#status !== 'listening' || remoteAddr == null) {
      // closing, or the socket was reset before we saw it
      socket.on('error', () => {})
      socket.destroy()
      return
    }

    const maConn = this.#init.wrap(socket, 'inbound', remoteAddr)
    this.#conns.set(maConn, undefined)
    maConn.addEventListener('close', () => { this.#conns.delete(maConn) }, { once: true })
    if (this.#log.enabled) { this.#log('accepted %s from %a', maConn.id, remoteAddr) }

    this.#init.upgrader.upgradeInbound(maConn, { signal: this.#shutdown.signal })
      .then((conn) => {
        if (!this.#conns.has(maConn)) {
          // the socket closed while the upgrade finished
          conn.abort(new AbortError('the socket closed during the upgrade'))
          return
        }
        this.#conns.set(maConn, conn)
        this.safeDispatchEvent('connection', { detail: conn })
      }, (err: Error) => {
        this.#log.error('inbound upgrade of %s from %a failed - %e', maConn.id, remoteAddr, err)
        maConn.drop(err)
        this.safeDispatchEvent('error', { detail: err })
      })
  }
}
