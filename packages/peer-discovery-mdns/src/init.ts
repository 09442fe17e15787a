import type { AddressManager, ComponentLogger } from '@libp2p/interface'

/** js-libp2p `@libp2p/mdns` 12's options, with its defaults */
export interface MulticastDNSInit {
  /** answer other peers' queries with our addresses (default true); false only listens */
  broadcast?: boolean
  /** ms between queries (default 10000) */
  interval?: number
  /** the DNS-SD service queried and announced (default '_p2p._udp.local') */
  serviceTag?: string
  /** our instance's label, at most 63 characters (default: 63 random lowercase letters and digits) */
  peerName?: string
  /** UDP port (default 5353) */
  port?: number
  /** IPv4 multicast group (default '224.0.0.251') */
  ip?: string
}

export interface MulticastDNSComponents {
  addressManager: AddressManager
  logger: ComponentLogger
}
