import { InvalidParametersError, NotStartedError, isPeerId, start as startAll, stop as stopAll } from '@libp2p/interface'
import { isMultiaddr } from '@multiformats/multiaddr'
import type { AddressManager } from './address-manager.js'
import type { Components } from './components.js'
import type { PeerDiscovery } from './config.js'
import type {
  AbortOptions, Connection, Libp2pEvents, NewStreamOptions, PeerId, PeerStore, Stream, StreamHandler,
  StreamHandlerOptions, Logger, Startable, Transport, TypedEventTarget, EventHandler
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type Libp2pStatus = 'starting' | 'started' | 'stopping' | 'stopped'

export interface DialOptions extends AbortOptions {
  /** dial even if a connection exists */
  force?: boolean
  /**
   * Whether a limited (relayed) connection will do (an open unlimited one is always preferred).
   * `true`: an open limited connection is returned. `false`: only an unlimited connection: direct
   * addresses are dialled, and `LimitedConnectionError` when the peer has none. Unset: an open
   * limited connection is returned unless a direct address is given, which is tried first.
   */
  runOnLimitedConnection?: boolean
}

/**
 * `runOnLimitedConnection` here is the stream's: set, it is passed to the dial as well; unset, a
 * limited connection will do only when this node's own handler of every protocol asked for runs on
 * limited connections, otherwise the stream needs an unlimited connection (a direct dial, or
 * `LimitedConnectionError` when there is no direct address).
 */
export interface DialProtocolOptions extends DialOptions, NewStreamOptions {}

/** The node: the public API of js-libp2p's Libp2p, so applications port with import changes only */
export class Libp2p<T extends Record<string, unknown> = Record<string, unknown>> implements TypedEventTarget<Libp2pEvents> {
  readonly peerId: PeerId
  readonly peerStore: PeerStore
  readonly services: T
  readonly components: Components
  status: Libp2pStatus = 'stopped'

  readonly #transports: Transport[]
  readonly #discovery: PeerDiscovery[]
  readonly #addressManager: AddressManager
  readonly #monitor?: Startable
  readonly #log: Logger

  /** `monitor`: the connection monitor, started after the services and stopped before them */
  constructor (components: Components, services: T, transports: Transport[], discovery: PeerDiscovery[], addressManager: AddressManager, monitor?: Startable) {
    this.components = components
    this.peerId = components.peerId
    this.peerStore = components.peerStore
    this.services = services
    this.#transports = transports
    this.#discovery = discovery
    this.#addressManager = addressManager
    this.#monitor = monitor
    this.#log = components.logger.forComponent('libp2p')
  }

  // the node's events are the components' event bus, so a listener on the node sees every component event
  addEventListener<K extends keyof Libp2pEvents>(type: K, listener: EventHandler<Libp2pEvents[K]> | null, options?: boolean | AddEventListenerOptions): void {
    this.components.events.addEventListener(type, listener, options)
  }

  removeEventListener<K extends keyof Libp2pEvents>(type: K, listener?: EventHandler<Libp2pEvents[K]> | null, options?: boolean | EventListenerOptions): void {
    this.components.events.removeEventListener(type, listener, options)
  }

  dispatchEvent (event: Event): boolean {
    return this.components.events.dispatchEvent(event)
  }

  safeDispatchEvent<K extends keyof Libp2pEvents>(type: K, detail?: CustomEventInit<any>): boolean {
    return this.components.events.safeDispatchEvent(type, detail)
  }

  listenerCount (type: keyof Libp2pEvents): number {
    return this.components.events.listenerCount(type)
  }

  /** the objects whose lifecycle the node runs, in start order */
  #startables (): unknown[] {
    const c = this.components
    return [c.peerStore, c.connectionManager, ...this.#transports, ...Object.values(this.services), ...this.#discovery, this.#monitor]
  }

  async start (): Promise<void> {
    if (this.status !== 'stopped') { return }
    this.status = 'starting'
    this.#log('starting as %p', this.peerId)
    try {
      await startAll(...this.#startables())
      await this.components.transportManager.listen(this.components.addressManager.getListenAddrs())
      await this.#addressManager.publish()
      this.status = 'started'
      this.safeDispatchEvent('start', { detail: this })
    } catch (err) {
      this.#log.error('start failed - %e', err)
      await this.stop()
      throw err
    }
  }

  async stop (): Promise<void> {
    if (this.status === 'stopped' && this.components.transportManager.getListeners().length === 0) { return }
    this.status = 'stopping'
    await this.components.transportManager.stop()
    await stopAll(...this.#startables().reverse())
    this.status = 'stopped'
    this.safeDispatchEvent('stop', { detail: this })
  }

  async dial (peer: PeerId | Multiaddr | Multiaddr[], options: DialOptions = {}): Promise<Connection> {
    this.#checkStarted()
    return this.components.connectionManager.openConnection(peer, options)
  }

  async dialProtocol (peer: PeerId | Multiaddr | Multiaddr[], protocols: string | string[], options: DialProtocolOptions = {}): Promise<Stream> {
    const list = Array.isArray(protocols) ? protocols : [protocols]
    if (list.length === 0) { throw new InvalidParametersError('at least one protocol is needed') }
    const runOnLimitedConnection = options.runOnLimitedConnection ?? this.#handlersRunOnLimited(list)
    const connection = await this.dial(peer, { ...options, runOnLimitedConnection })
    return connection.newStream(list, { ...options, runOnLimitedConnection })
  }

  /** this node handles every one of `protocols` and each handler opted in to limited connections */
  #handlersRunOnLimited (protocols: string[]): boolean {
    const registrar = this.components.registrar
    const handled = new Set(registrar.getProtocols())
    return protocols.every(p => handled.has(p) && registrar.getHandler(p).options.runOnLimitedConnection)
  }

  async hangUp (peer: PeerId | Multiaddr, options?: AbortOptions): Promise<void> {
    if (isPeerId(peer)) {
      await this.components.connectionManager.closeConnections(peer, options)
      return
    }
    if (!isMultiaddr(peer)) { throw new InvalidParametersError('hangUp needs a PeerId or a Multiaddr') }
    const target = peer.toString()
    await Promise.all(this.getConnections()
      .filter(c => target.startsWith(c.remoteAddr.toString()) || c.remoteAddr.toString() === target)
      .map(async c => c.close(options)))
  }

  getConnections (peerId?: PeerId): Connection[] {
    return this.components.connectionManager.getConnections(peerId)
  }

  getPeers (): PeerId[] {
    const seen = new Map<string, PeerId>()
    for (const c of this.getConnections()) { seen.set(c.remotePeer.toString(), c.remotePeer) }
    return [...seen.values()]
  }

  getMultiaddrs (): Multiaddr[] {
    return this.components.addressManager.getAddresses()
  }

  getProtocols (): string[] {
    return this.components.registrar.getProtocols()
  }

  async handle (protocols: string | string[], handler: StreamHandler, options?: StreamHandlerOptions): Promise<void> {
    for (const protocol of Array.isArray(protocols) ? protocols : [protocols]) {
      await this.components.registrar.handle(protocol, handler, options)
    }
  }

  async unhandle (protocols: string | string[], options?: AbortOptions): Promise<void> {
    for (const protocol of Array.isArray(protocols) ? protocols : [protocols]) {
      await this.components.registrar.unhandle(protocol, options)
    }
  }

  #checkStarted (): void {
    if (this.status !== 'started' && this.status !== 'starting') {
      throw new NotStartedError('the node is not started')
    }
  }
}
