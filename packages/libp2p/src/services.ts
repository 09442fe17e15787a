import { InvalidParametersError, contentRoutingSymbol, peerDiscoverySymbol, peerRoutingSymbol, serviceCapabilities, serviceDependencies } from '@libp2p/interface'
import { UnmetServiceDependenciesError } from './errors.js'
import type { Components } from './components.js'
import type { ServiceFactoryMap } from './config.js'
import type { ContentRouting, PeerDiscovery, PeerRouting } from '@libp2p/interface'

/** What the services offer the node besides themselves */
export interface ServiceOffers {
  peerRouters: Array<Partial<PeerRouting>>
  contentRouters: Array<Partial<ContentRouting>>
  discovery: Array<{ name: string, discovery: PeerDiscovery }>
}

/**
 * Builds the services in the order given. Each becomes a component under its name as soon as it
 * is built (js-libp2p does the same: `@libp2p/kad-dht` pings through `components.ping`), and what it
 * exposes under js-libp2p's routing and discovery symbols is collected for the node.
 */
export function buildServices (components: Components, factories: ServiceFactoryMap = {}): { services: Record<string, unknown>, offers: ServiceOffers } {
  const services: Record<string, unknown> = {}
  const offers: ServiceOffers = { peerRouters: [], contentRouters: [], discovery: [] }
  for (const [name, factory] of Object.entries(factories)) {
    if (name in components) { throw new InvalidParametersError(`service name ${name} is taken by a component`) }
    const service = factory(components as Components & Record<string, unknown>) as Record<symbol, any> | undefined
    if (service == null) { throw new InvalidParametersError(`the factory of service ${name} returned nothing`) }
    services[name] = components[name] = service
    if (service[peerRoutingSymbol] != null) { offers.peerRouters.push(service[peerRoutingSymbol]) }
    if (service[contentRoutingSymbol] != null) { offers.contentRouters.push(service[contentRoutingSymbol]) }
    if (service[peerDiscoverySymbol] != null) { offers.discovery.push({ name, discovery: service[peerDiscoverySymbol] }) }
  }
  return { services, offers }
}

/**
 * Every capability a component needs (`serviceDependencies`) is provided by some component
 * (`serviceCapabilities`), or the configuration is refused before anything starts.
 */
export function checkServiceDependencies (components: Iterable<unknown>): void {
  const all = [...components]
  const provided = new Set(all.flatMap(c => listUnder(c, serviceCapabilities)))
  for (const component of all) {
    for (const needed of listUnder(component, serviceDependencies)) {
      if (provided.has(needed)) { continue }
      const name = (component as Record<symbol, unknown>)[Symbol.toStringTag] ?? 'a service'
      throw new UnmetServiceDependenciesError(`${String(name)} needs "${needed}", which no configured component provides`)
    }
  }
}

function listUnder (component: unknown, key: symbol): string[] {
  const value = (component as Record<symbol, unknown> | undefined)?.[key]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
