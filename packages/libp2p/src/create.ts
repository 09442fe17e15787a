import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore, persistentPeerStore } from '@libp2p/peer-store'
import { AddressManager } from './address-manager.js'
import { ConnectionManager } from './connection-manager/index.js'
import { ConnectionMonitor } from './connection-monitor.js'
import { CompoundContentRouting } from './content-routing.js'
import { DiscoveredPeers } from './discovery.js'
import { Libp2p } from './libp2p.js'
import { registerNodeMetrics } from './node-metrics.js'
import { CompoundPeerRouting } from './peer-routing.js'
import { Registrar } from './registrar.js'
import { buildServices, checkServiceDependencies } from './services.js'
import { TransportManager } from './transport-manager.js'
import { Upgrader } from './upgrader.js'
import { validateConfig } from './validate-config.js'
import { VERSION } from './version.js'
import type { BaseComponents, Components } from './components.js'
import type { Libp2pInit, NodeInfo, ServiceFactoryMap } from './config.js'
import type { Libp2pEvents } from '@libp2p/interface'

/**
 * Assemble the components in a fixed order (no container, no Proxy): base components, then the
 * plugins that only need those (encrypters, muxers), then the managers and the routing front
 * ends, then transports, routers, discovery and services with the full set; the routers and
 * discovery modules that services expose join last, and every `serviceDependencies` entry must be
 * met by some component's `serviceCapabilities`. The connection manager and the upgrader refer to
 * each other; the upgrader reads it through a getter, so the cycle needs no mutable container.
 */
export async function createLibp2p<T extends Record<string, unknown> = Record<string, unknown>> (init: Libp2pInit<T> = {}): Promise<Libp2p<T>> {
  validateConfig(init)
  const privateKey = init.privateKey ?? await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(privateKey)
  const logger = init.logger ?? defaultLogger()
  const events = new TypedEventEmitter<Libp2pEvents>()
  const datastore = init.datastore ?? new MemoryDatastore()
  const nodeInfo = nodeInfoFrom(init.nodeInfo)
  const gater = init.connectionGater ?? {}
  const peerStore = persistentPeerStore({ peerId, datastore, events, logger }, {
    ...init.peerStore,
    // as in js-libp2p, the gater's filterMultiaddrForPeer is the peer store's address filter
    addressFilter: gater.filterMultiaddrForPeer == null ? undefined : (p, ma) => gater.filterMultiaddrForPeer?.(p, ma) ?? true
  })
  const base: BaseComponents = {
    peerId, privateKey, logger, events, datastore, peerStore, nodeInfo, connectionGater: init.connectionGater ?? {}
  }
  // first, so every later component sees it (js-libp2p builds it right after the base components too)
  if (init.metrics != null) { base.metrics = init.metrics(base) }

  const connectionEncrypters = (init.connectionEncrypters ?? []).map(f => f(base))
  const streamMuxers = (init.streamMuxers ?? []).map(f => f(base))

  const late: { connectionManager?: ConnectionManager } = {}
  const getConnectionManager = (): ConnectionManager => {
    if (late.connectionManager == null) { throw new TypeError('connection manager used before it was built') }
    return late.connectionManager
  }
  const registrar = new Registrar({ ...base, getConnections: (p) => getConnectionManager().getConnections(p) })
  const upgrader = new Upgrader({
    ...base,
    registrar,
    get connectionManager () { return getConnectionManager() }
  }, {
    connectionEncrypters,
    streamMuxers,
    inboundUpgradeTimeout: init.connectionManager?.inboundUpgradeTimeout,
    outboundUpgradeTimeout: init.connectionManager?.outboundUpgradeTimeout,
    inboundStreamProtocolNegotiationTimeout: init.connectionManager?.inboundStreamProtocolNegotiationTimeout,
    outboundStreamProtocolNegotiationTimeout: init.connectionManager?.outboundStreamProtocolNegotiationTimeout
  })
  const transportManager = new TransportManager({ ...base, upgrader }, init.transportManager)
  const connectionManager = late.connectionManager = new ConnectionManager({ ...base, transportManager }, init.connectionManager)
  if (base.metrics != null) { registerNodeMetrics(base.metrics, () => connectionManager.getConnections()) }
  const addressManager = new AddressManager({ peerId, transportManager, peerStore, events }, init.addresses)

  const peerRouting = new CompoundPeerRouting({ peerId, peerStore, logger })
  const contentRouting = new CompoundContentRouting({ peerStore })
  const components: Components = {
    ...base, registrar, upgrader, transportManager, connectionManager, addressManager, peerRouting, contentRouting
  }

  const transports = (init.transports ?? []).map(f => f(components))
  for (const t of transports) { transportManager.add(t) }
  peerRouting.routers.push(...(init.peerRouters ?? []).map(f => f(components)))
  contentRouting.routers.push(...(init.contentRouters ?? []).map(f => f(components)))
  const discovered = new DiscoveredPeers({ peerId, peerStore, events, logger })
  const discovery = (init.peerDiscovery ?? []).map((f, i) => {
    const module = f(components)
    discovered.add(module, `peerDiscovery[${i}]`)
    return module
  })
  const { services, offers } = buildServices(components, init.services as ServiceFactoryMap | undefined)
  peerRouting.routers.push(...offers.peerRouters)
  contentRouting.routers.push(...offers.contentRouters)
  for (const { name, discovery } of offers.discovery) { discovered.add(discovery, `services.${name}`) }
  checkServiceDependencies([
    ...Object.values(components), ...connectionEncrypters, ...streamMuxers, ...transports, ...discovery,
    ...peerRouting.routers, ...contentRouting.routers
  ])

  const monitor = new ConnectionMonitor({ connectionManager, logger }, init.connectionMonitor)

  const node = new Libp2p<T>(components, { services: services as T, transports, discovery, addressManager, monitor })
  if (init.start !== false) {
    await node.start()
  }
  return node
}

function nodeInfoFrom (info: Libp2pInit['nodeInfo'] = {}): NodeInfo {
  const name = info.name ?? 'libp2p-ts'
  const version = info.version ?? VERSION
  return { name, version, userAgent: info.userAgent ?? `${name}/${version}` }
}
