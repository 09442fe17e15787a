import { InvalidParametersError, UnsupportedProtocolError } from '@libp2p/interface'
import { DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS } from './constants.js'
import { DuplicateProtocolHandlerError } from './errors.js'
import type {
  AbortOptions, IdentifyResult, Libp2pEvents, Logger, PeerId, PeerStore, Registrar as RegistrarInterface,
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
 * one. Topologies are told on identify (when a peer's protocols become known) and on disconnect.
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
    if (peers.has(key)) { return }
    if (connection.limits != null && topology.notifyOnLimitedConnection !== true) { return }
    if (topology.filter?.(peerId) === false) { return }
    peers.add(key)
    try {
      topology.onConnect?.(peerId, connection)
    } catch (err) {
      this.#log.error('topology for %s threw in onConnect - %e', protocol, err)
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
    const key = peerId.toString()
    for (const [protocol, forProtocol] of this.#topologies) {
      for (const { topology, peers } of forProtocol.values()) {
        if (!peers.delete(key)) { continue }
        try {
          topology.onDisconnect?.(peerId)
        } catch (err) {
          this.#log.error('topology for %s threw in onDisconnect - %e', protocol, err)
        }
      }
    }
  }
}
