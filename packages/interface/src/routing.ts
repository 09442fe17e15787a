import type { AbortOptions } from './abort-options.js'
import type { TypedEventTarget } from './events.js'
import type { PeerId, PeerInfo } from './peer-id.js'
import type { CID } from 'multiformats/cid'

/**
 * Routing (finding peers, finding content, storing values) and discovery (learning of peers
 * without asking) are plugged in by services: a service exposes what it offers under one of the
 * symbols below and the node gathers every offer into `libp2p.peerRouting`,
 * `libp2p.contentRouting` and the `peer:discovery` event. The symbols are `Symbol.for` keys, the
 * same as js-libp2p's, so a js-libp2p service (e.g. `@libp2p/kad-dht`) is found by our node and ours
 * by js-libp2p.
 */

/** An event a long operation reports as it goes (js-libp2p's progress-events shape) */
export interface ProgressEvent<T extends string = string, D = unknown> {
  type: T
  detail: D
}

export interface ProgressOptions<E extends ProgressEvent = ProgressEvent> {
  /** called with each progress event of the operation, synchronously, in order */
  onProgress?(event: E): void
}

/** Carried through to metrics tracing (unused by this stack; kept so js callers type-check) */
export interface TraceOptions {
  trace?: any
}

export interface RoutingOptions extends AbortOptions, ProgressOptions, TraceOptions {
  /** `false`: answer from local state only (default true) */
  useNetwork?: boolean
  /** `false`: ignore values cached locally (default true) */
  useCache?: boolean
}

export const peerRoutingSymbol = Symbol.for('@libp2p/peer-routing')

export interface PeerRouting {
  /** the addresses of a peer; NotFoundError when no router finds it */
  findPeer(peerId: PeerId, options?: RoutingOptions): Promise<PeerInfo>
  /** peers whose ids are closest (by the router's metric) to `key` */
  getClosestPeers(key: Uint8Array, options?: RoutingOptions): AsyncIterable<PeerInfo>
}

/** What a service offers for peer routing: any part of PeerRouting */
export interface PeerRoutingProvider {
  [peerRoutingSymbol]: Partial<PeerRouting>
}

export const contentRoutingSymbol = Symbol.for('@libp2p/content-routing')

/** A peer that says it can provide some content, and which routing system said so */
export interface Provider extends PeerInfo {
  routing: string
}

export interface ContentRouting {
  /** announce that this node can provide `cid` (and keep announcing it, where the router does) */
  provide(cid: CID, options?: RoutingOptions): Promise<void>
  /** stop re-announcing `key` */
  cancelReprovide(key: CID, options?: RoutingOptions): Promise<void>
  findProviders(cid: CID, options?: RoutingOptions): AsyncIterable<Provider>
  put(key: Uint8Array, value: Uint8Array, options?: RoutingOptions): Promise<void>
  get(key: Uint8Array, options?: RoutingOptions): Promise<Uint8Array>
}

export interface ContentRoutingProvider {
  [contentRoutingSymbol]: Partial<ContentRouting>
}

export const peerDiscoverySymbol = Symbol.for('@libp2p/peer-discovery')

export interface PeerDiscoveryEvents {
  peer: CustomEvent<PeerInfo>
}

/** Tells of peers it learns of through `peer` events */
export interface PeerDiscovery extends TypedEventTarget<PeerDiscoveryEvents> {}

export interface PeerDiscoveryProvider {
  [peerDiscoverySymbol]: PeerDiscovery
}

/**
 * A service lists under `serviceCapabilities` what it provides (e.g. '@libp2p/identify') and under
 * `serviceDependencies` what it needs; createLibp2p refuses a configuration where a need is not
 * provided (UnmetServiceDependenciesError), as js-libp2p does.
 */
export const serviceCapabilities = Symbol.for('@libp2p/service-capabilities')
export const serviceDependencies = Symbol.for('@libp2p/service-dependencies')
