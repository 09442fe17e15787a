import {
  contentRoutingSymbol, peerDiscoverySymbol, peerRoutingSymbol, serviceCapabilities, serviceDependencies,
  TypedEventEmitter
} from '@libp2p/interface'
import { followAbort } from '@libp2p/utils'
import { CODE_P2P } from '@multiformats/multiaddr'
import {
  ALPHA, DISJOINT_PATHS, K, PROTOCOL, QUERY_SELF_INTERVAL_MS, QUERY_TIMEOUT_MS, RPC_TIMEOUT_MS
} from './constants.js'
import { drain } from './drain.js'
import { commonPrefixLength, kadId, peerKadId } from './kad-id.js'
import { DHTMetrics } from './metrics.js'
import { isPubliclyDialable } from './mode.js'
import { NetworkSizeEstimator } from './netsize.js'
import { Network } from './network.js'
import { get, put } from './operations/content-fetching.js'
import { findProviders, provide } from './operations/content-routing.js'
import { findPeer, getClosestPeers } from './operations/peer-routing.js'
import { passthroughMapper } from './peer-info-mappers.js'
import { ProviderStore, Reprovider } from './providers/index.js'
import { withProgress } from './query/events.js'
import { RecordStore, bestRecord, decodeRecord, defaultSelectors, defaultValidators, encodeRecord, verifyRecord } from './records/index.js'
import { RoutingTableRefresh } from './refresh.js'
import { DHTContentRouting, DHTPeerRouting } from './routing-adapters.js'
import { KadRoutingTable } from './routing-table/index.js'
import { RpcServer } from './rpc/server.js'
import { tableFillFor } from './table-fill.js'
import type { GetOptions } from './operations/content-fetching.js'
import type { FindProvidersOptions } from './operations/content-routing.js'
import type { OperationContext } from './operations/context.js'
import type { TableFill } from './table-fill.js'
import type { KadDHTComponents, KadDHTInit, PeerInfoMapper, QueryEvent, Selectors, SetModeOptions, SingleKadDHT, Validators } from './types.js'
import type { AbortOptions, Logger, PeerDiscoveryEvents, PeerId, PeerInfo, RoutingOptions, Startable } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * One Kademlia DHT on one protocol. It wires the parts (routing table, record and provider
 * stores, the request server and the lookups) and runs their lifecycle; every operation's logic
 * is in operations/, the wire in network.ts and rpc/.
 */
/** the DHT's events: discovered peers, and `refresh` after each routing table refresh (a name js does not use) */
export interface KadDHTServiceEvents extends PeerDiscoveryEvents {
  refresh: CustomEvent
}

export class KadDHTService extends TypedEventEmitter<KadDHTServiceEvents> implements SingleKadDHT, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/kad-dht'
  readonly [serviceCapabilities] = ['@libp2p/content-routing', '@libp2p/peer-routing', '@libp2p/peer-discovery', '@libp2p/kad-dht']
  readonly [serviceDependencies] = ['@libp2p/identify', '@libp2p/ping']

  readonly k: number
  readonly a: number
  readonly d: number
  readonly protocol: string
  readonly validators: Validators
  readonly selectors: Selectors
  readonly routingTable: KadRoutingTable

  readonly #components: KadDHTComponents
  readonly #init: KadDHTInit
  readonly #log: Logger
  readonly #mapper: PeerInfoMapper
  readonly #records: RecordStore
  readonly #providers: ProviderStore
  readonly #reprovider: Reprovider
  readonly #republisher: Reprovider
  readonly #server: RpcServer
  readonly #refresh: RoutingTableRefresh
  readonly #fill: TableFill
  readonly #ctx: OperationContext
  readonly #peerRouting: DHTPeerRouting
  readonly #contentRouting: DHTContentRouting
  readonly #selfKadId: Uint8Array
  readonly #netSize = new NetworkSizeEstimator()
  readonly #metrics?: DHTMetrics
  #mode: 'client' | 'server' = 'client'
  #started = false
  #topologyId?: string

  constructor (components: KadDHTComponents, init: KadDHTInit = {}) {
    super()
    this.#components = components
    this.#init = init
    this.k = init.kBucketSize ?? K
    this.a = init.alpha ?? ALPHA
    this.d = init.disjointPaths ?? DISJOINT_PATHS
    this.protocol = init.protocol ?? PROTOCOL
    const logPrefix = init.logPrefix ?? 'libp2p:kad-dht'
    this.#log = components.logger.forComponent(logPrefix)
    this.#mapper = init.peerInfoMapper ?? passthroughMapper
    this.validators = { ...defaultValidators, ...init.validators }
    this.selectors = { ...defaultSelectors, ...init.selectors }
    this.#selfKadId = peerKadId(components.peerId)

    this.routingTable = new KadRoutingTable({
      peerId: components.peerId,
      peerStore: components.peerStore,
      logger: components.logger,
      ping: async (peer, options) => components.ping.ping(peer, options)
    }, {
      kBucketSize: this.k,
      protocol: this.protocol,
      diversityFilter: this.#mapper !== passthroughMapper && init.protocol !== LAN_PROTOCOL_NAME,
      pingOldContactTimeout: init.pingOldContactTimeout?.initialValue,
      pingOldContactConcurrency: init.pingOldContactConcurrency,
      pingOldContactMaxQueueSize: init.pingOldContactMaxQueueSize
    })
    this.routingTable.addEventListener('peer:add', (evt) => { void this.#announce(evt.detail) })

    const datastorePrefix = init.datastorePrefix ?? '/dht'
    this.#records = new RecordStore({ datastore: components.datastore, logger: components.logger }, {
      validators: this.validators, selectors: this.selectors, datastorePrefix
    })
    this.#providers = new ProviderStore({ datastore: components.datastore, logger: components.logger, peerStore: components.peerStore }, {
      provideValidity: init.providers?.provideValidity,
      cleanupInterval: init.providers?.cleanupInterval,
      datastorePrefix
    })
    this.#reprovider = new Reprovider({ datastore: components.datastore, logger: components.logger }, {
      interval: init.reprovide?.interval,
      concurrency: init.reprovide?.concurrency,
      maxQueueSize: init.reprovide?.maxQueueSize,
      datastorePrefix,
      provide: async (key, options) => { await drain(provide(this.#ctx, key, options)) }
    })

    // the records this node put are put again before they expire on other peers (36 h): the
    // reprovider's schedule and persistence, republishing the locally stored value
    this.#republisher = new Reprovider({ datastore: components.datastore, logger: components.logger }, {
      interval: init.reprovide?.interval,
      datastorePrefix: `${datastorePrefix}/published`,
      provide: async (key, options) => { await this.#republish(key, options) }
    })

    this.#metrics = components.metrics == null
      ? undefined
      : new DHTMetrics(components.metrics, init.metricsPrefix ?? 'libp2p_kad_dht', {
        routingTableSize: () => this.routingTable.size,
        records: async () => this.#records.count(),
        providerKeys: async () => this.#providers.keyCount()
      })

    const network = new Network({ connectionManager: components.connectionManager, logger: components.logger }, {
      protocol: this.protocol, logPrefix, rpcTimeout: init.networkDialTimeout?.initialValue ?? RPC_TIMEOUT_MS
    })
    this.#ctx = {
      self: components.peerId,
      k: this.k,
      alpha: this.a,
      disjointPaths: this.d,
      queryTimeout: QUERY_TIMEOUT_MS,
      network,
      peerStore: components.peerStore,
      connectionManager: components.connectionManager,
      peerInfoMapper: this.#mapper,
      log: this.#log,
      selfInfo: () => this.#selfInfo(),
      closestPeers: (target, count) => {
        // a lookup toward a bucket counts as its refresh
        this.routingTable.markRefreshed(Math.min(commonPrefixLength(this.#selfKadId, target), 255))
        return this.routingTable.closestPeers(target, count)
      },
      onPeerAnswered: (peer) => { this.#offer(peer) },
      onLookupDone: (key, closest) => { this.#netSize.add(kadId(key), closest.map(peerKadId)) },
      networkSize: () => this.#netSize.estimate(),
      waitForPeers: async (signal) => { await this.#waitForPeers(signal) },
      optimisticProvide: init.optimisticProvide === true,
      records: this.#records,
      providers: this.#providers,
      validators: this.validators,
      selectors: this.selectors,
      verifyRecord: async (key, value, options) => { await verifyRecord(this.validators, key, value, options) },
      bestRecord: async (key, values) => bestRecord(this.selectors, key, values),
      encodeRecord,
      decodeRecord
    }
    this.#server = new RpcServer({ registrar: components.registrar, logger: components.logger }, {
      protocol: this.protocol,
      logPrefix,
      maxInboundStreams: init.maxInboundStreams,
      maxOutboundStreams: init.maxOutboundStreams,
      incomingMessageTimeout: init.incomingMessageTimeout,
      metrics: this.#metrics,
      // a peer that asks is not offered to the table: clients ask too, and only servers belong there
      // (spec); servers are learnt through identify (the topology below) and by answering
      context: this.#ctx
    })
    this.#refresh = new RoutingTableRefresh(this.routingTable, {
      interval: init.querySelfInterval ?? QUERY_SELF_INTERVAL_MS,
      initialDelay: init.initialQuerySelfInterval ?? 1000,
      self: this.#selfKadId,
      selfKey: components.peerId.toMultihash().bytes,
      lookup: async (key, options) => { await drain(this.#track('refresh', getClosestPeers(this.#ctx, key, options))) },
      log: this.#log,
      onRefresh: () => { this.safeDispatchEvent('refresh') }
    })
    this.#fill = tableFillFor(this.routingTable, components, network, {
      protocol: this.protocol, interval: init.tableFillInterval, log: this.#log, offer: (peer) => { this.#offer(peer) }
    })
    this.#peerRouting = new DHTPeerRouting(this)
    this.#contentRouting = new DHTContentRouting(this)
  }

  get [peerRoutingSymbol] (): DHTPeerRouting { return this.#peerRouting }
  get [contentRoutingSymbol] (): DHTContentRouting { return this.#contentRouting }
  get [peerDiscoverySymbol] (): this { return this }

  isStarted (): boolean {
    return this.#started
  }

  async start (): Promise<void> {
    if (this.#started) { return }
    this.#started = true
    await this.routingTable.start()
    this.#providers.start()
    this.#reprovider.start()
    this.#republisher.start()
    await this.#applyMode()
    this.#components.events.addEventListener('self:peer:update', this.#onSelfUpdate)
    this.#topologyId = await this.#components.registrar.register(this.protocol, {
      onConnect: (peer) => { this.#offer(peer) }
    })
    this.#refresh.start()
    this.#fill.start()
  }

  async stop (): Promise<void> {
    if (!this.#started) { return }
    this.#started = false
    this.#components.events.removeEventListener('self:peer:update', this.#onSelfUpdate)
    if (this.#topologyId != null) { this.#components.registrar.unregister(this.#topologyId) }
    this.#refresh.stop()
    this.#fill.stop()
    await this.#server.unregister()
    await this.#reprovider.stop()
    await this.#republisher.stop()
    await this.#providers.stop()
    await this.routingTable.stop()
  }

  getMode (): 'client' | 'server' {
    return this.#mode
  }

  async setMode (mode: 'client' | 'server', options: SetModeOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    if (mode === this.#mode && options.force !== true && this.#server.registered === (mode === 'server')) { return }
    this.#mode = mode
    this.#log('mode %s', mode)
    if (mode === 'server') {
      await this.#server.register()
    } else {
      await this.#server.unregister()
    }
  }

  async refreshRoutingTable (options: AbortOptions = {}): Promise<void> {
    await this.#refresh.refresh(options)
  }

  get (key: Uint8Array, options: GetOptions = {}): AsyncIterable<QueryEvent> {
    return withProgress(this.#track('get', get(this.#ctx, key, options)), options)
  }

  put (key: Uint8Array, value: Uint8Array, options: RoutingOptions = {}): AsyncIterable<QueryEvent> {
    const republisher = this.#republisher
    const ctx = this.#ctx
    return withProgress(this.#track('put', (async function * () {
      yield * put(ctx, key, value, options)
      await republisher.track(key, options)
    })()), options)
  }

  /** puts this node's stored value for `key` again; a record no longer stored is no longer republished */
  async #republish (key: Uint8Array, options: AbortOptions): Promise<void> {
    const record = await this.#records.get(key, options)
    if (record == null) {
      await this.#republisher.untrack(key, options)
      return
    }
    await drain(put(this.#ctx, key, record.value, options))
  }

  findPeer (id: PeerId, options: RoutingOptions = {}): AsyncIterable<QueryEvent> {
    return withProgress(this.#track('findPeer', findPeer(this.#ctx, id, options)), options)
  }

  getClosestPeers (key: Uint8Array, options: RoutingOptions = {}): AsyncIterable<QueryEvent> {
    return withProgress(this.#track('getClosestPeers', getClosestPeers(this.#ctx, key, options)), options)
  }

  provide (cid: CID, options: RoutingOptions = {}): AsyncIterable<QueryEvent> {
    const key = cid.multihash.bytes
    const reprovider = this.#reprovider
    const ctx = this.#ctx
    return withProgress(this.#track('provide', (async function * () {
      await reprovider.track(key, options)
      yield * provide(ctx, key, options)
    })()), options)
  }

  findProviders (cid: CID, options: FindProvidersOptions = {}): AsyncIterable<QueryEvent> {
    return withProgress(this.#track('findProviders', findProviders(this.#ctx, cid.multihash.bytes, options)), options)
  }

  /** the operation counted by the metrics, or as it is when the node has none */
  #track<T>(operation: string, source: AsyncIterable<T>): AsyncIterable<T> {
    return this.#metrics?.track(operation, source) ?? source
  }

  async cancelReprovide (cid: CID, options: AbortOptions = {}): Promise<void> {
    await this.#reprovider.untrack(cid.multihash.bytes, options)
  }

  async #waitForPeers (signal: AbortSignal): Promise<void> {
    if (this.routingTable.size > 0 || this.#init.allowQueryWithZeroPeers === true) { return }
    signal.throwIfAborted()
    this.#log('the routing table is empty: the query waits for a peer')
    // a connected server whose identify failed would otherwise never be offered
    void this.#fill.fill()
    await new Promise<void>((resolve, reject) => {
      const onAdd = (): void => {
        unfollow()
        resolve()
      }
      const unfollow = followAbort(signal, (reason) => {
        this.routingTable.removeEventListener('peer:add', onAdd)
        reject(reason)
      })
      this.routingTable.addEventListener('peer:add', onAdd, { once: true })
    })
  }

  /** a peer that speaks the protocol and answered: offered to the routing table */
  #offer (peer: PeerId): void {
    if (!this.#started || peer.equals(this.#components.peerId)) { return }
    this.routingTable.add(peer).catch(err => { this.#log('could not add %p to the routing table - %e', peer, err) })
  }

  /** a peer joined the table: discovery modules tell the node of it (js-libp2p's DHT does the same) */
  async #announce (peer: PeerId): Promise<void> {
    try {
      const info = this.#mapper(await this.#components.peerStore.getInfo(peer))
      this.safeDispatchEvent('peer', { detail: info })
    } catch (err) {
      this.#log('no peer store entry for table peer %p - %e', peer, err)
    }
  }

  readonly #onSelfUpdate = (): void => {
    if (this.#init.clientMode != null) { return }
    this.#applyMode().catch(err => { this.#log.error('could not switch DHT mode - %e', err) })
  }

  /** clientMode set: that mode; unset: server while the node looks publicly dialable */
  async #applyMode (): Promise<void> {
    const server = this.#init.clientMode == null
      ? isPubliclyDialable(this.#components.addressManager.getAddresses())
      : !this.#init.clientMode
    await this.setMode(server ? 'server' : 'client')
  }

  /** this node as a DHT message names it: its addresses without the /p2p suffix */
  #selfInfo (): PeerInfo {
    const multiaddrs = this.#components.addressManager.getAddresses().map(ma => {
      const components = ma.getComponents()
      return components.at(-1)?.code === CODE_P2P ? ma.decapsulateCode(CODE_P2P) : ma
    })
    return { id: this.#components.peerId, multiaddrs }
  }
}

const LAN_PROTOCOL_NAME = '/ipfs/lan/kad/1.0.0'
