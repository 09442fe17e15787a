/**
 * @packageDocumentation
 *
 * `createLibp2p(init)` builds a node from plugins:
 *
 * ```ts
 * const node = await createLibp2p({
 *   addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
 *   transports: [tcp()],
 *   connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()],
 *   services: { identify: identify(), ping: ping() }
 * })
 * ```
 */
export { createLibp2p } from './create.js'
export { Libp2p } from './libp2p.js'
export type { Libp2pStatus, DialOptions, DialProtocolOptions } from './libp2p.js'
export type { Libp2pInit, Factory, BaseFactory, ServiceFactoryMap, NodeInfo } from './config.js'
export type { PeerDiscovery } from '@libp2p/interface'
export type { NodeParts } from './libp2p.js'
export type { Components, BaseComponents } from './components.js'
export type { OpenConnectionOptions, ConnectionManagerInit } from './connection-manager/index.js'
export type { ConnectionMonitorInit } from './connection-monitor.js'
export {
  DuplicateProtocolHandlerError, LimitedConnectionError, DialToSelfError, NoValidAddressesError, NoPeerRoutersError,
  NoContentRoutersError, QueriedForSelfError, UnmetServiceDependenciesError
} from './errors.js'
export { KEEP_ALIVE_TAG } from './constants.js'
export { VERSION } from './version.js'
