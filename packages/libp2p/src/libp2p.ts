import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { InvalidParametersError, InvalidPublicKeyError, NotFoundError, NotStartedError, isPeerId, start as startAll, stop as stopAll } from '@libp2p/interface'
import { isMultiaddr } from '@multiformats/multiaddr'
import type { AddressManager } from './address-manager.js'
import type { Components } from './components.js'
import type {
  AbortOptions, ComponentLogger, Connection, ContentRouting, DialOptions, DialProtocolOptions, DialTarget, Ed25519PeerId, Ed25519PublicKey,
  EventHandler, IsDialableOptions, Libp2p as Libp2pInterface, Libp2pEvents, Libp2pStatus, Logger, Metrics, PeerDiscovery, PeerId, PeerRouting,
  PeerStore, PublicKey, RSAPeerId, RSAPublicKey, Secp256k1PeerId, Secp256k1PublicKey, ServiceMap, Startable, Stream, StreamHandler,
  StreamHandlerOptions, Topology, Transport
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** `/pk/`: the namespace of public key records in content routing */
const PUBLIC_KEY_PREFIX = new TextEncoder().encode('/pk/')

// the node's option and status types are @libp2p/interface's, re-exported so `from 'libp2p'` keeps working
export type { DialOptions, DialProtocolOptions, Libp2pStatus }

/** What createLibp2p built besides the components, for the node to run */
export interface NodeParts<T> {
  services: T
  transports: Transport[]
  discovery: PeerDiscovery[]
  addressManager: AddressManager
  /** the connection monitor, started after the services and stopped before them */
  monitor?: Startable
}

/** The node: the public API of js-libp2p's Libp2p, so applications port with import changes only */
export class Libp2p<T extends ServiceMap = ServiceMap> implements Libp2pInterface<T> {
  readonly peerId: PeerId
  readonly peerStore: PeerStore
  readonly services: T
  readonly components: Components
  /** every peer router: the `peerRouters` option and services exposing peerRoutingSymbol */
  readonly peerRouting: PeerRouting
  /** every content router: the `contentRouters` option and services exposing contentRoutingSymbol */
  readonly contentRouting: ContentRouting
  readonly logger: ComponentLogger
  /** present when createLibp2p was given `metrics` */
  readonly metrics?: Metrics
  status: Libp2pStatus = 'stopped'

  readonly #parts: NodeParts<T>
  readonly #log: Logger

  constructor (components: Components, parts: NodeParts<T>) {
    this.components = components
    this.peerId = components.peerId
    this.peerStore = components.peerStore
    this.peerRouting = components.peerRouting
    this.contentRouting = components.contentRouting
    this.logger = components.logger
    this.metrics = components.metrics
    this.services = parts.services
    this.#parts = parts
    this.#log = components.logger.forComponent('libp2p')
  }

  // the node's events are the components' event bus, so a listener on the node sees every component event;
  // the bus is typed without the services, but its start/stop detail is this node, hence the casts
  addEventListener<K extends keyof Libp2pEvents<T>>(type: K, listener: EventHandler<Libp2pEvents<T>[K]> | null, options?: boolean | AddEventListenerOptions): void {
    this.components.events.addEventListener(type, listener as EventHandler<any>, options)
  }

  removeEventListener<K extends keyof Libp2pEvents<T>>(type: K, listener?: EventHandler<Libp2pEvents<T>[K]> | null, options?: boolean | EventListenerOptions): void {
    this.components.events.removeEventListener(type, listener as EventHandler<any>, options)
  }

  dispatchEvent (event: Event): boolean {
    return this.components.events.dispatchEvent(event)
  }

  safeDispatchEvent<K extends keyof Libp2pEvents<T>>(type: K, detail?: CustomEventInit<any>): boolean {
    return this.components.events.safeDispatchEvent(type, detail)
  }

  listenerCount (type: keyof Libp2pEvents<T>): number {
    return this.components.events.listenerCount(type)
  }

  /** the objects whose lifecycle the node runs, in start order */
  #startables (): unknown[] {
    const c = this.components
    const { transports, services, discovery, monitor } = this.#parts
    return [c.peerStore, c.contentRouting, c.connectionManager, ...transports, ...Object.values(services as object), ...discovery, monitor]
  }

  async start (): Promise<void> {
    if (this.status !== 'stopped') { return }
    this.status = 'starting'
    this.#log('starting as %p', this.peerId)
    try {
      await startAll(...this.#startables())
      await this.components.transportManager.listen(this.components.addressManager.getListenAddrs())
      await this.#parts.addressManager.publish()
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

  async dial (peer: DialTarget, options: DialOptions = {}): Promise<Connection> {
    this.#checkStarted()
    return this.components.connectionManager.openConnection(peer, options)
  }

  async dialProtocol (peer: DialTarget, protocols: string | string[], options: DialProtocolOptions = {}): Promise<Stream> {
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

  /** as the registrar's register(): `topology` hears of peers that support `protocol` */
  async register (protocol: string, topology: Topology, options?: AbortOptions): Promise<string> {
    options?.signal?.throwIfAborted()
    return this.components.registrar.register(protocol, topology)
  }

  unregister (id: string): void {
    this.components.registrar.unregister(id)
  }

  /** whether some transport can dial one of these addresses, and the gater allows it */
  async isDialable (multiaddr: Multiaddr | Multiaddr[], options?: IsDialableOptions): Promise<boolean> {
    return this.components.connectionManager.isDialable(multiaddr, options)
  }

  /**
   * The peer's public key: from the peer id when it embeds it (Ed25519, secp256k1), else from the
   * peer store, else from content routing under `/pk/<multihash>` (checked against the peer id and
   * then kept in the peer store), as in js-libp2p.
   */
  async getPublicKey (peer: Ed25519PeerId, options?: AbortOptions): Promise<Ed25519PublicKey>
  async getPublicKey (peer: Secp256k1PeerId, options?: AbortOptions): Promise<Secp256k1PublicKey>
  async getPublicKey (peer: RSAPeerId, options?: AbortOptions): Promise<RSAPublicKey>
  async getPublicKey (peer: PeerId, options?: AbortOptions): Promise<PublicKey>
  async getPublicKey (peer: PeerId, options: AbortOptions = {}): Promise<PublicKey> {
    if (peer.publicKey != null) { return peer.publicKey }
    try {
      const known = await this.peerStore.get(peer, options)
      if (known.id.publicKey != null) { return known.id.publicKey }
    } catch (err: any) {
      if (err?.name !== NotFoundError.name) { throw err }
    }
    const multihash = peer.toMultihash().bytes
    const key = new Uint8Array(4 + multihash.length)
    key.set(PUBLIC_KEY_PREFIX)
    key.set(multihash, 4)
    const publicKey = publicKeyFromProtobuf(await this.contentRouting.get(key, options))
    if (!peer.equals(publicKey.toMultihash().bytes)) {
      throw new InvalidPublicKeyError('the public key found does not match the peer id')
    }
    await this.peerStore.patch(peer, { publicKey }, options)
    return publicKey
  }

  #checkStarted (): void {
    if (this.status !== 'started' && this.status !== 'starting') {
      throw new NotStartedError('the node is not started')
    }
  }
}
