import { createServer } from 'node:net'
import { AbortError, InvalidMultiaddrError, ListenError, TypedEventEmitter } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { listenAddresses, toListenAddress, toMultiaddr } from './multiaddr.js'
import type { TCPConnection } from './connection.js'
import type { TCPSettings, WrapSocket } from './transport.js'
import type { TCPListener } from './types.js'
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
/** the listening socket while the listener is 'listening': closeServerOnMaxConnections closes and reopens it */
type Accepting = 'open' | 'paused' | 'resuming'

/** what listen() bound, to listen again on the same address and port after a pause */
interface Bound {
  host: string
  port: number
  family: 0 | 4 | 6
  address: AddressInfo
}

/**
 * One bound address. Accepted sockets become MultiaddrConnections and go through
 * `upgrader.upgradeInbound()`; a failed upgrade closes only that socket. close() stops accepting,
 * lets open connections close gracefully for `listenerCloseTimeout` ms, then aborts the rest.
 *
 * With `closeServerOnMaxConnections`, the listening socket is closed as soon as an accepted
 * socket brings the open ones to `closeAbove` (the kernel then refuses connects), and bound again
 * to the same address and port when a close brings them below `listenBelow`. The listener stays
 * 'listening' meanwhile: no 'close' or 'listening' events, and getAddrs() keeps the address.
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
  #accepting: Accepting = 'open'
  #bound?: Bound
  /** settles when a re-listen in flight has finished (successfully or not) */
  #resuming?: Promise<void>
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
      if (this.#status === 'binding' || this.#accepting === 'resuming') { return } // reported by listen() / #resume()
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

  get paused (): boolean {
    return this.#status === 'listening' && this.#accepting !== 'open'
  }

  async listen (ma: Multiaddr): Promise<void> {
    const addr = toListenAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a TCP listen address`) }
    if (this.#status !== 'idle') { throw new ListenError(`cannot listen on ${ma.toString()}: the listener is ${this.#status}`) }
    this.#status = 'binding'
    try {
      await this.#bind(addr.host, addr.port, addr.family)
    } catch (err: any) {
      this.#status = 'idle'
      throw new ListenError(`cannot listen on ${ma.toString()}: ${err.message}`, { cause: err })
    }
    const address = this.#server.address() as AddressInfo
    this.#bound = { host: addr.host, port: address.port, family: addr.family, address }
    this.#status = 'listening'
    this.#log('listening on %a', ma)
    this.safeDispatchEvent('listening')
  }

  /** binds the server; rejects with the system error */
  async #bind (host: string, port: number, family: 0 | 4 | 6): Promise<void> {
    const server = this.#server
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => { reject(err) }
      server.once('error', onError)
      server.listen({
        host,
        port,
        backlog: this.#init.settings.backlog,
        // so /ip4/0.0.0.0/tcp/N and /ip6/::/tcp/N can be bound side by side
        ipv6Only: family === 6
      }, () => {
        server.off('error', onError)
        resolve()
      })
    })
  }

  getAddrs (): Multiaddr[] {
    // while paused the server has no address, but the listener still owns it
    if (this.#status !== 'listening' || this.#bound == null) { return [] }
    return listenAddresses(this.#bound.address.address, this.#bound.address.port)
  }

  /** pauses or resumes the listening socket after the number of open sockets changed */
  #checkLimits (): void {
    const limits = this.#init.settings.closeServerOnMaxConnections
    if (limits == null || this.#status !== 'listening') { return }
    const open = this.#conns.size
    if (this.#accepting === 'open' && open >= limits.closeAbove) {
      this.#accepting = 'paused'
      this.#log('%d open connections (closeServerOnMaxConnections.closeAbove=%d): no longer accepting on %s:%d until fewer than %d',
        open, limits.closeAbove, this.#bound?.address.address, this.#bound?.port, limits.listenBelow)
      // existing sockets stay open; the server's 'close' event is not ours to report
      this.#server.close()
    } else if (this.#accepting === 'paused' && open < limits.listenBelow) {
      this.#resuming = this.#resume(limits)
    }
  }

  async #resume (limits: NonNullable<TCPSettings['closeServerOnMaxConnections']>): Promise<void> {
    const bound = this.#bound
    if (bound == null) { return }
    this.#accepting = 'resuming'
    try {
      await this.#bind(bound.host, bound.port, bound.family)
    } catch (err: any) {
      this.#accepting = 'paused'
      if (this.#status !== 'listening') { return } // closed meanwhile
      const error = new ListenError(`cannot listen again on ${bound.address.address}:${bound.port} after closeServerOnMaxConnections paused it: ${err.message}`, { cause: err })
      this.#log.error('%e; tries again when a connection closes', error)
      try {
        limits.onListenError?.(error)
      } catch (cbErr: any) {
        this.#log.error('closeServerOnMaxConnections.onListenError threw - %e', cbErr)
      }
      return
    }
    this.#accepting = 'open'
    // close() ran meanwhile: it waits for this and then closes the server
    if (this.#status !== 'listening') { return }
    this.#log('accepting again on %s:%d (%d open connections)', bound.address.address, bound.port, this.#conns.size)
    // sockets may have been accepted as soon as the port was bound
    this.#checkLimits()
  }

  async close (options?: AbortOptions): Promise<void> {
    this.#closing ??= this.#close(options)
    await this.#closing
  }

  async #close (options?: AbortOptions): Promise<void> {
    this.#status = 'closing'
    // a re-listen in flight binds the server again before it can be closed
    await this.#resuming
    const server = this.#server
    // stop accepting; the callback runs once every accepted socket has closed
    const serverClosed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
    const reason = new AbortError('the listener closed')
    this.#shutdown.abort(reason)

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
      // not upgraded, or the connection closed without closing its socket
      maConn.abort(reason)
    }))
    // every close above caught its own error: the deadline is released on every path
    deadline.done()
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
    maConn.addEventListener('close', () => {
      this.#conns.delete(maConn)
      this.#checkLimits()
    }, { once: true })
    this.#checkLimits()
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
