import { InvalidMultiaddrError, UnsupportedTransportError, transportSymbol } from '@libp2p/interface'
import { disabledLogger } from '@libp2p/utils'
import { connect } from './connect.browser.js'
import { BrowserWebSocketConnection } from './connection.browser.js'
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_SOCKET_CLOSE_TIMEOUT_MS } from './constants.js'
import { browserCanDial } from './dial-filter.js'
import { toDialAddress } from './multiaddr.js'
import type { WebSocketsComponents, WebSocketsInit, WebSocketsListener } from './types.js'
import type { Connection, DialTransportOptions, Logger, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

function pageProtocol (): string | undefined {
  return (globalThis as { location?: { protocol?: string } }).location?.protocol
}

/**
 * The browser transport: dials `ws` and `wss` with the native WebSocket and never listens. It
 * imports nothing from `ws` or `node:` modules. Node-only options (TLS, servers, maxMessageSize,
 * maxConnections) are ignored.
 */
export class WebSocketsTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/websockets'
  readonly [transportSymbol] = true as const
  readonly #init: WebSocketsInit
  readonly #log: Logger
  readonly #connLog: Logger

  constructor (init: WebSocketsInit, components: WebSocketsComponents) {
    this.#init = init
    this.#log = components.logger?.forComponent('libp2p:websockets') ?? disabledLogger()
    this.#connLog = components.logger?.forComponent('libp2p:websockets:connection') ?? disabledLogger()
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const addr = toDialAddress(ma)
    if (addr == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not a dialable WebSocket address`) }
    if (!browserCanDial(ma, pageProtocol())) {
      throw new UnsupportedTransportError(`${ma.toString()} is an insecure WebSocket address and this page is served over https (mixed content)`)
    }
    this.#log('dialing %a', ma)
    const init = this.#init
    const maConn = await connect(addr, {
      signal: options.signal,
      timeoutMs: init.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS
    }, (websocket) => new BrowserWebSocketConnection({
      websocket,
      direction: 'outbound',
      remoteAddr: ma,
      log: this.#connLog,
      closeTimeout: init.socketCloseTimeout ?? DEFAULT_SOCKET_CLOSE_TIMEOUT_MS,
      maxBufferedAmount: init.maxBufferedAmount,
      bufferedAmountPollInterval: init.bufferedAmountPollInterval,
      writeHighWaterMark: init.writeHighWaterMark,
      writeLowWaterMark: init.writeLowWaterMark,
      maxWriteBufferSize: init.maxWriteBufferSize,
      readHighWaterMark: init.readHighWaterMark
    }))
    try {
      return await options.upgrader.upgradeOutbound(maConn, { signal: options.signal, remotePeer: options.remotePeer })
    } catch (err: any) {
      this.#log.error('outbound upgrade to %a failed - %e', ma, err)
      maConn.abort(err)
      throw err
    }
  }

  createListener (): WebSocketsListener {
    throw new UnsupportedTransportError('browsers cannot listen for WebSocket connections')
  }

  listenFilter (): Multiaddr[] {
    return []
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    const protocol = pageProtocol()
    return multiaddrs.filter(ma => browserCanDial(ma, protocol))
  }
}
