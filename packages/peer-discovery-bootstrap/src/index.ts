/**
 * @packageDocumentation
 *
 * Peer discovery from a fixed list, as js-libp2p's `@libp2p/bootstrap`: `timeout` ms after the
 * node starts, each listed peer is tagged in the peer store (`tagName`, `tagValue`, `tagTTL`),
 * announced (`peer:discovery` on the node) and dialled.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { bootstrap } from '@libp2p/bootstrap'
 *
 * const node = await createLibp2p({
 *   peerDiscovery: [bootstrap({ list: ['/ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...'] })]
 * })
 * ```
 */
import { Bootstrap } from './bootstrap.js'
import type { BootstrapComponents, BootstrapInit } from './bootstrap.js'
import type { PeerDiscovery } from '@libp2p/interface'

export type { BootstrapComponents, BootstrapInit }

export function bootstrap (init: BootstrapInit): (components: BootstrapComponents) => PeerDiscovery {
  return (components) => new Bootstrap(components, init)
}
