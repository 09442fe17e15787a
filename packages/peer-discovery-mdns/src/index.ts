/**
 * @packageDocumentation
 *
 * Peer discovery on the local network with multicast DNS, as js-libp2p's `@libp2p/mdns`
 * (service `_p2p._udp.local`, a PTR to a random instance name and one TXT `dnsaddr=` string per
 * address), so it finds js-libp2p nodes and they find it. Node.js only.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { mdns } from '@libp2p/mdns'
 *
 * const node = await createLibp2p({ peerDiscovery: [mdns()] })
 * node.addEventListener('peer:discovery', (evt) => { console.log('found', evt.detail.id.toString()) })
 * ```
 */
import { MulticastDNS } from './mdns.js'
import type { MulticastDNSComponents, MulticastDNSInit } from './init.js'
import type { PeerDiscovery } from '@libp2p/interface'

export type { MulticastDNSComponents, MulticastDNSInit }
export { UnsupportedOperationError } from './errors.js'

export function mdns (init: MulticastDNSInit = {}): (components: MulticastDNSComponents) => PeerDiscovery {
  return (components) => new MulticastDNS(components, init)
}
