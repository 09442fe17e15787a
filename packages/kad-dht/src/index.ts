/**
 * @packageDocumentation
 *
 * The libp2p Kademlia DHT (specs/kad-dht): peer routing, content routing and value storage over
 * `/ipfs/kad/1.0.0`, wire-compatible with go-libp2p-kad-dht, rust-libp2p's kad and js-libp2p's
 * kad-dht, with js-libp2p's API:
 *
 * ```ts
 * import { kadDHT } from '@libp2p/kad-dht'
 * import { identify } from '@libp2p/identify'
 * import { ping } from '@libp2p/ping'
 *
 * const node = await createLibp2p({
 *   // transports, encrypters, muxers...
 *   services: { identify: identify(), ping: ping(), dht: kadDHT() }
 * })
 * const peer = await node.peerRouting.findPeer(peerId)
 * for await (const event of node.services.dht.getClosestPeers(key)) { ... }
 * ```
 */
import { KadDHTService } from './kad-dht.js'
import type { KadDHTComponents, KadDHTInit, SingleKadDHT } from './types.js'

export * from './types.js'
export { PROTOCOL, LAN_PROTOCOL } from './constants.js'
export { passthroughMapper, removePrivateAddressesMapper, removePublicAddressesMapper } from './peer-info-mappers.js'
export { InvalidRecordError, encodeRecord, decodeRecord, signIpnsRecord, readIpnsRecord, ipnsRecordKey } from './records/index.js'
export type { IpnsRecordInit, IpnsRecordContent } from './records/index.js'
export type { GetOptions } from './operations/content-fetching.js'
export type { FindProvidersOptions } from './operations/content-routing.js'

/** The DHT service factory for `createLibp2p({ services: { dht: kadDHT() } })` */
export function kadDHT (init: KadDHTInit = {}): (components: KadDHTComponents) => SingleKadDHT {
  return (components) => new KadDHTService(components, init)
}
