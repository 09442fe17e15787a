import { InvalidMultiaddrError, transportSymbol } from '@libp2p/interface'
import { disabledLogger } from '@libp2p/utils'
import { connect } from './connect.js'
import { TCPConnection } from './connection.js'
import {
  DEFAULT_BACKLOG, DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS, DEFAULT_KEEP_ALIVE,
  DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS, DEFAULT_LISTENER_CLOSE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_NO_DELAY,
  DEFAULT_OUTBOUND_SOCKET_INACTIVITY_TIMEOUT_MS, DEFAULT_SOCKET_CLOSE_TIMEOUT_MS
} from './constants.js'
import { TCPListenerImpl } from './listener.js'
import { toDialAddress, toListenAddress } from './multiaddr.js'
import type { CloseServerOnMaxConnectionsOpts, TCPComponents, TCPInit, TCPListener, TCPSocketOptions } from './types.js'
import type { Connection, CreateListenerOptions, DialTransportOptions, Logger, Transport } from '@libp2p/interface'
import type { MessageStreamInit } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Socket } from 'node:net'

/** TCPSocketOptions with every default filled in */
export type TCPSocketSettings = Required<TCPSocketOptions>

/** TCPInit with every default filled in */
export type TCPSettings = Required<Omit<TCPInit, 'dialOpts' | 'listenOpts' | 'closeServerOnMaxConnections' | 'writeHighWaterMark' | 'writeLowWaterMark' | 'maxWriteBufferSize' | 'readHighWaterMark'>> &
Pick<MessageStreamInit, 'writeHighWaterMark' | 'writeLowWaterMark' | 'maxWriteBufferSize' | 'readHighWaterMark'> &
{ dialOpts: TCPSocketSettings, listenOpts: TCPSocketSettings, closeServerOnMaxConnections?: CloseServerOnMaxConnectionsOpts }

function socketSettings (opts: TCPSocketOptions = {}): TCPSocketSettings {
  return {
    noDelay: opts.noDelay ?? DEFAULT_NO_DELAY,
    keepAlive: opts.keepAlive ?? DEFAULT_KEEP_ALIVE,
    keepAliveInitialDelay: opts.keepAliveInitialDelay ?? DEFAULT_KEEP_ALIVE_INITIAL_DELAY_MS
  }
}

function settings (init: TCPInit): TCPSettings {
  return {
    ...init,
    dialTimeout: init.dialTimeout ?? DEFAULT_DIAL_TIMEOUT_MS,
    inboundSocketInactivityTimeout: init.inboundSocketInactivityTimeout ?? DEFAULT_INBOUND_SOCKET_INACTIVITY_TIMEOUT_MS,
    outboundSocketInactivityTimeout: init.outboundSocketInactivityTimeout ?? DEFAULT_OUTBOUND_SOCKET_INACTIVITY_TIMEOUT_MS,
    socketCloseTimeout: init.socketCloseTimeout ?? DEFAULT_SOCKET_CLOSE_TIMEOUT_MS,
    listenerCloseTimeout: init.listenerCloseTimeout ?? DEFAULT_LISTENER_CLOSE_TIMEOUT_MS,
    maxConnections: init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    backlog: init.backlog ?? DEFAULT_BACKLOG,
    dialOpts: socketSettings(init.dialOpts),
    listenOpts: socketSettings(init.listenOpts)
  }
}

/** Wraps a connected socket; shared by dials and the listener so both directions behave alike */
export type WrapSocket = (socket: Socket, direction: 'inbound' | 'outbound', remoteAddr: Multiaddr) => TCPConnection

export class TCPTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/tcp'
  readonly [transportSymbol] = true as const
  readonly #settings: TCPSettings
  readonly #log: Logger
  readonly #connLog: Logger
  readonly #listenerLog: Logger

  constructor (init: TCPInit, components: TCPComponents) {
    this.#settings = settings(init)
    this.#log = components.logger?.forComponent('libp2p:tcp') ?? disabledLogger()
    this.#connLog = components.logger?.forComponent('libp2p:tcp:connection') ?? disabledLogger()
    this.#listenerLog = components.logger?.forComponent('libp2p:tcp:listener') ?? disabledLogger()
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const addr = toDialAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a dialable TCP address`) }
    this.#log('dialing %a', ma)
    const socket = await connect(addr, { signal: options.signal, timeout: this.#settings.dialTimeout })
    const maConn = this.#wrap(socket, 'outbound', ma)
    try {
      return await options.upgrader.upgradeOutbound(maConn, { signal: options.signal, remotePeer: options.remotePeer })
    } catch (err: any) {
      this.#log.error('outbound upgrade to %a failed - %e', ma, err)
      maConn.abort(err)
      throw err
    }
  }

  createListener (options: CreateListenerOptions): TCPListener {
    return new TCPListenerImpl({
      upgrader: options.upgrader,
      settings: this.#settings,
      log: this.#listenerLog,
      wrap: this.#wrap
    })
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => toListenAddress(ma) != null)
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => toDialAddress(ma) != null)
  }

  readonly #wrap: WrapSocket = (socket, direction, remoteAddr) => {
    const s = this.#settings
    return new TCPConnection({
      socket,
      direction,
      remoteAddr,
      log: this.#connLog,
      inactivityTimeout: direction === 'inbound' ? s.inboundSocketInactivityTimeout : s.outboundSocketInactivityTimeout,
      socketOptions: direction === 'inbound' ? s.listenOpts : s.dialOpts,
      closeTimeout: s.socketCloseTimeout,
      writeHighWaterMark: s.writeHighWaterMark,
      writeLowWaterMark: s.writeLowWaterMark,
      maxWriteBufferSize: s.maxWriteBufferSize,
      readHighWaterMark: s.readHighWaterMark
    })
  }
}
