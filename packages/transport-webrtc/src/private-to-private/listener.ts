import { InvalidMultiaddrError, TypedEventEmitter } from '@libp2p/interface'
import { parseListenAddress, webrtcAddress } from './addresses.js'
import type { Connection, Libp2pEvents, Listener, ListenerEvents, TransportManager, TypedEventTarget } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface WebRTCListenerComponents {
  transportManager: TransportManager
  events: TypedEventTarget<Libp2pEvents>
}

/**
 * Listening on `/webrtc` binds nothing: the node is reachable through its relay reservations, and
 * its addresses are its circuit addresses with `/webrtc` after `/p2p-circuit`. They follow the
 * circuit listeners (a `listening` event each time one reports). `<relay>/p2p-circuit/webrtc`
 * also listens on the circuit part.
 */
export class WebRTCListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  readonly #components: WebRTCListenerComponents
  #listening = false
  readonly #onTransportListening = (evt: CustomEvent<Listener>): void => {
    if (evt.detail === this || !this.#listening) { return }
    if (evt.detail.getAddrs().some(ma => webrtcAddress(ma) != null)) {
      this.safeDispatchEvent('listening')
    }
  }

  constructor (components: WebRTCListenerComponents) {
    super()
    this.#components = components
  }

  async listen (ma: Multiaddr): Promise<void> {
    const circuit = parseListenAddress(ma)
    if (circuit === undefined) {
      throw new InvalidMultiaddrError(`${ma.toString()} is not /webrtc or <relay address>/p2p-circuit/webrtc`)
    }
    this.#listening = true
    this.#components.events.addEventListener('transport:listening', this.#onTransportListening)
    if (circuit != null) {
      await this.#components.transportManager.listen([circuit])
    }
    this.safeDispatchEvent('listening')
  }

  getAddrs (): Multiaddr[] {
    if (!this.#listening) { return [] }
    const out: Multiaddr[] = []
    for (const listener of this.#components.transportManager.getListeners()) {
      if (listener === this) { continue }
      for (const ma of listener.getAddrs()) {
        const addr = webrtcAddress(ma)
        if (addr != null) { out.push(addr) }
      }
    }
    return out
  }

  /** a WebRTC connection came in (through any relay) */
  onConnection (connection: Connection): void {
    this.safeDispatchEvent('connection', { detail: connection })
  }

  async close (): Promise<void> {
    if (!this.#listening) { return }
    this.#listening = false
    this.#components.events.removeEventListener('transport:listening', this.#onTransportListening)
    this.safeDispatchEvent('close')
  }
}
