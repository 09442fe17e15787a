import { UnsupportedTransportError, transportSymbol } from '@libp2p/interface'
import type { TCPComponents, TCPInit, TCPListener } from './types.js'
import type { Connection, Logger, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Browsers have no TCP sockets. This transport accepts no addresses, so the node never picks it;
 * called directly, it throws UnsupportedTransportError. It imports nothing from node:net.
 */
export class TCPTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/tcp'
  readonly [transportSymbol] = true as const
  readonly #log?: Logger

  constructor (_init: TCPInit, components: TCPComponents) {
    this.#log = components.logger?.forComponent('libp2p:tcp')
  }

  async dial (ma: Multiaddr): Promise<Connection> {
    this.#log?.('cannot dial %a: no TCP in browsers', ma)
    throw new UnsupportedTransportError('TCP connections are not available in browsers')
  }

  createListener (): TCPListener {
    throw new UnsupportedTransportError('TCP listeners are not available in browsers')
  }

  listenFilter (): Multiaddr[] {
    return []
  }

  dialFilter (): Multiaddr[] {
    return []
  }
}
