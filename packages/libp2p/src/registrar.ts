import { InvalidParametersError, UnsupportedProtocolError } from '@libp2p/interface'
import { DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS } from './constants.js'
import { DuplicateProtocolHandlerError } from './errors.js'
import type {
  AbortOptions, IdentifyResult, Libp2pEvents, Logger, PeerId, PeerStore, PeerUpdate, Registrar as RegistrarInterface,
  StreamHandler, StreamHandlerOptions, StreamHandlerRecord, Topology, TypedEventTarget, ComponentLogger, Connection
} from '@libp2p/interface'

export interface RegistrarComponents {
  peerId: PeerId
  peerStore: PeerStore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  getConnections(peerId: PeerId): Connection[]
}

interface TopologyRecord {
  topology: Topology
  /** peers this topology was told about in onConnect, so onDisconnect goes only to them */
  peers: Set<string>
}

/**
 * Which protocols this node handles, and the topologies that want to hear about peers that speak
 * one. Topologies are told on identify (when a peer's protocols become known), on disconnect, and
 * when a peer's record in the peer store loses the protocol. A topology's own `filter` (js-libp2p's
 * TopologyFilter: has/add/remove) is kept in step: a peer it has is not reported again.
 */
export class Registrar implements RegistrarInterface {
  readonly #handlers = new Map<string, StreamHandlerRecord>()
  readonly #topologies = new Map<string, Map<string, TopologyRecord>>()
  readonly #components: RegistrarComponents
  readonly #log: Logger
  #nextTopologyId = 0

  constructor (components: RegistrarComponents) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:registrar')
    components.events.addEventListener('peer:identify', (evt) => { this.#onIdentify(evt.detail) })
    components.events.addEventListener('peer:disconnect', (evt) => { this.#onDisconnect(evt.detail) })
    components.events.addEventListener('peer:update', (evt) => { this.#onPeerUpdate(evt.detail) })
  }

  getProtocols (): string[] {
    return [...this.#handlers.keys()].sort()
  }

  getHandler (protocol: string): StreamHandlerRecord {
    const record = this.#handlers.get(protocol)
    if (record == null) {
      throw new UnsupportedProtocolError(`no handler for ${protocol}`)
    }
    return record
  }

  async handle (protocol: string, handler: StreamHandler, options: StreamHandlerOptions = {}): Promise<void> {
    if (protocol === '') { throw new InvalidParametersError('protocol must not be empty') }
    if (this.#handlers.has(protocol) && options.force !== true) {
      throw new DuplicateProtocolHandlerError(`a handler for ${protocol} is registered already`)
    }
    this.#handlers.set(protocol, {
      handler,
      options: {
        maxInboundStreams: options.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
        maxOutboundStreams: options.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
        runOnLimitedConnection: options.runOnLimitedConnection ?? false
      }
    })
    await this.#updateSelf(options)
  }

  async unhandle (protocol: string, options?: AbortOptions): Promise<void> {
    if (this.#handlers.delete(protocol)) {
      await this.#updateSelf(options)
    }
  }

  async register (protocol: string, topology: Topology): Promise<string> {
    const id = `topology-${this.#nextTopologyId++}`
    let forProtocol = this.#topologies.get(protocol)
    if (forProtocol == null) {
      forProtocol = new Map()
      this.#topologies.set(protocol, forProtocol)
    }
    const record: TopologyRecord = { topology, peers: new Set() }
    forProtocol.set(id, record)
    // tell the new topology about peers that are connected and known to speak the protocol
    for (const peer of await this.#components.peerStore.all({ filters: [(p) => p.protocols.includes(protocol)] })) {
      const connection = this.#components.getConnections(peer.id).find(c => c.limits == null || topology.notifyOnLimitedConnection === true)
      if (connection != null) {
        this.#notifyConnect(protocol, record, peer.id, connection)
      }
    }
    return id
  }

  getTopologies (protocol: string): Topology[] {
    return [...(this.#topologies.get(protocol)?.values() ?? [])].map(r => r.topology)
  }

  unregister (id: string): void {
    for (const [protocol, forProtocol] of this.#topologies) {
      if (forProtocol.delete(id) && forProtocol.size === 0) {
        this.#topologies.delete(protocol)
      }
    }
  }

  async #updateSelf (options?: AbortOptions): Promise<void> {
    const { peerStore, peerId } = this.#components
    const peer = await peerStore.patch(peerId, { protocols: this.getProtocols() }, options)
    this.#components.events.safeDispatchEvent('self:peer:update', { detail: { peer } })
  }

  #notifyConnect (protocol: string, record: TopologyRecord, peerId: PeerId, connection: Connection): void {
    const { topology, peers } = record
    const key = peerId.toString()
    if (peers.has(key) || topology.filter?.has(peerId) === true) { return }
    if (connection.limits != null && topology.notifyOnLimitedConnection !== true) { return }
    peers.add(key)
    topology.filter?.add(peerId)
    this.#call(protocol, 'onConnect', () => topology.onConnect?.(peerId, connection))
  }

  #notifyDisconnect (protocol: string, record: TopologyRecord, peerId: PeerId): void {
    const { topology, peers } = record
    if (!peers.delete(peerId.toString())) { return }
    topology.filter?.remove(peerId)
    this.#call(protocol, 'onDisconnect', () => topology.onDisconnect?.(peerId))
  }

  /** runs a topology callback: a throw or a rejected promise is logged, never passed on */
  #call (protocol: string, name: string, callback: () => unknown): void {
    const failed = (err: unknown): void => { this.#log.error('topology for %s failed in %s - %e', protocol, name, err) }
    try {
      const result = callback()
      if (typeof (result as Promise<unknown> | undefined)?.then === 'function') {
        (result as Promise<unknown>).then(undefined, failed)
      }
    } catch (err) {
      failed(err)
    }
  }

  #onIdentify ({ peerId, protocols, connection }: IdentifyResult): void {
    for (const protocol of protocols) {
      for (const record of this.#topologies.get(protocol)?.values() ?? []) {
        this.#notifyConnect(protocol, record, peerId, connection)
      }
    }
  }

  #onDisconnect (peerId: PeerId): void {
    for (const [protocol, forProtocol] of this.#topologies) {
      for (const record of forProtocol.values()) {
        this.#notifyDisconnect(protocol, record, peerId)
      }
    }
  }

  /** a connected peer that no longer lists a protocol is gone for that protocol's topologies */
  #onPeerUpdate ({ peer, previous }: PeerUpdate): void {
    if (previous == null) { return }
    const now = new Set(peer.protocols)
    for (const protocol of previous.protocols) {
      if (now.has(protocol)) { continue }
      for (const record of this.#topologies.get(protocol)?.values() ?? []) {
        this.#notifyDisconnect(protocol, record, peer.id)
      }
    }
  }
}
