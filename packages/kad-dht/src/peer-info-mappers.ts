import { isPrivateAddress } from '@libp2p/utils'
import type { PeerInfo } from '@libp2p/interface'

/**
 * What the DHT does with peers' addresses before it stores or hands them out (js-libp2p's names).
 * A WAN DHT drops private addresses: another peer could not dial them and would waste its time; a
 * LAN DHT keeps only them.
 */

/** keeps every address (tests, private networks) */
export function passthroughMapper (peer: PeerInfo): PeerInfo {
  return peer
}

/** drops loopback, private and link-local addresses (the WAN DHT's mapper) */
export function removePrivateAddressesMapper (peer: PeerInfo): PeerInfo {
  return { ...peer, multiaddrs: peer.multiaddrs.filter(ma => !isPrivateAddress(ma)) }
}

/** keeps only loopback, private and link-local addresses (the LAN DHT's mapper) */
export function removePublicAddressesMapper (peer: PeerInfo): PeerInfo {
  return { ...peer, multiaddrs: peer.multiaddrs.filter(ma => isPrivateAddress(ma)) }
}
