import { isCircuitAddress, isPrivateAddress } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Whether an address is worth announcing to the local network: its IP is loopback, private
 * (RFC 1918, CGNAT, IPv6 unique local) or link-local, as the libp2p mDNS spec asks (js-libp2p
 * filters with its own private-address check the same way). A public address is for the DHT and
 * identify, not for mDNS; a circuit address is left out too, since a peer on the same network can
 * reach us directly.
 */
export function isLanAddress (ma: Multiaddr): boolean {
  return !isCircuitAddress(ma) && isPrivateAddress(ma)
}
