import { isCircuitAddress, isPrivateAddress } from '@libp2p/utils'
import { CODE_DNS, CODE_DNS4, CODE_DNS6, CODE_DNSADDR, CODE_IP4, CODE_IP6 } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

const ROUTABLE = new Set([CODE_IP4, CODE_IP6, CODE_DNS, CODE_DNS4, CODE_DNS6, CODE_DNSADDR])

/**
 * Whether the node looks publicly dialable, which is when a DHT left in automatic mode serves
 * (spec: unrestricted nodes are servers, nodes behind NAT clients). The address manager's
 * addresses are what it announces: configured announce or listen addresses and observed addresses
 * only once several peers confirmed them. Relayed, private and loopback addresses do not count.
 */
export function isPubliclyDialable (addresses: Multiaddr[]): boolean {
  return addresses.some(ma =>
    !isCircuitAddress(ma) && !isPrivateAddress(ma) && ma.getComponents().some(c => ROUTABLE.has(c.code)))
}
