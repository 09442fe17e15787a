import { InvalidMultiaddrError, transportSymbol } from '@libp2p/interface'
import { disabledLogger } from '@libp2p/utils'
import { connect } from './connect.js'
import { WebSocketConnection } from './connection.js'
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_LISTENER_CLOSE_TIMEOUT_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_SIZE_BYTES,
  DEFAULT_SOCKET_CLOSE_TIMEOUT_MS, NODE_BUFFERED_HIGH_WATER_BYTES, WS_CLOSE_BACKSTOP_MARGIN_MS
} from './constants.js'
import { WebSocketListenerImpl } from './listener.js'
import { toDialAddress, toListenAddress } from './multiaddr.js'
import type { WebSocketsComponents, WebSocketsInit, WebSocketsListener } from './types.js'
import type { Connection, CreateListenerOptions, DialTransportOptions, Logger, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { WebSocket } from 'ws'

type Defaulted = 'handshakeTimeout' | 'maxMessageSize' | 'maxConnections' | 'listenerCloseTimeout' | 'socketCloseTimeout' | 'maxBufferedAmount'

/** WebSocketsInit with every default filled in */
export type WebSocketsSettings = Omit<WebSocketsInit, Defaulted> & Required<Pick<WebSocketsInit, Defaulted>>

export function settings (init: WebSocketsInit): WebSocketsSettings {
  return {
    ...init,
    handshakeTimeout: init.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    maxMessageSize: init.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE_BYTES,
    maxConnections: init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    listenerCloseTimeout: init.listenerCloseTimeout ?? DEFAULT_LISTENER_CLOSE_TIMEOUT_MS,
    socketCloseTimeout: init.socketCloseTimeout ?? DEFAULT_SOCKET_CLOSE_TIMEOUT_MS,
    maxBufferedAmount: init.maxBufferedAmount ?? NODE_BUFFERED_HIGH_WATER_BYTES
  }
}

/** Wraps an open WebSocket; shared by dials and the listener so both directions behave alike */
export type WrapWebSocket = (ws: WebSocket, direction: 'inbound' | 'outbound', remoteAddr: Multiaddr) => WebSocketConnection

/** The Node transport: dials with `ws`, listens on an HTTP(S) server of its own or a shared one */
export class WebSocketsTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/websockets'
  readonly [transportSymbol] = true as const
  readonly #settings: WebSocketsSettings
  readonly #log: Logger
  readonly #connLog: Logger
  readonly #listenerLog: Logger

  constructor (init: WebSocketsInit, components: WebSocketsComponents) {
    this.#settings = settings(init)
    this.#log = components.logger?.forComponent('libp2p:websockets') ?? disabledLogger()
    this.#connLog = components.logger?.forComponent('libp2p:websockets:connection') ?? disabledLogger()
    this.#listenerLog = components.logger?.forComponent('libp2p:websockets:listener') ?? disabledLogger()
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const addr = toDialAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a dialable WebSocket address`) }
    this.#log('dialing %a', ma)
    const s = this.#settings
    const maConn = await connect(addr, {
      signal: options.signal,
      timeoutMs: s.handshakeTimeout,
      maxMessageSize: s.maxMessageSize,
      closeTimeout: s.socketCloseTimeout + WS_CLOSE_BACKSTOP_MARGIN_MS,
      tls: s.tlsClientOptions
    }, (ws) => this.#wrap(ws, 'outbound', ma))
    try {
      return await options.upgrader.upgradeOutbound(maConn, { signal: options.signal, remotePeer: options.remotePeer })
    } catch (err: any) {
      this.#log.error('outbound upgrade to %a failed - %e', ma, err)
      maConn.abort(err)
      throw err
    }
  }

  createListener (options: CreateListenerOptions): WebSocketsListener {
    return new WebSocketListenerImpl({
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

  readonly #wrap: WrapWebSocket = (ws, direction, remoteAddr) => {
    const s = this.#settings
    return new WebSocketConnection({
      websocket: ws,
      direction,
      remoteAddr,
      log: this.#connLog,
      closeTimeout: s.socketCloseTimeout,
      maxBufferedAmount: s.maxBufferedAmount,
      writeHighWaterMark: s.writeHighWaterMark,
      writeLowWaterMark: s.writeLowWaterMark,
      maxWriteBufferSize: s.maxWriteBufferSize,
      readHighWaterMark: s.readHighWaterMark
    })
  }
}
