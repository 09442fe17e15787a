import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { CircuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'

export type RelayNode = Libp2p<{ identify: Identify, ping: Ping, relay: CircuitRelayServer }>

export interface RelayOptions {
  privateKey?: PrivateKey
  /** TCP and WebSocket listen addresses (default: TCP 4001 and WebSockets 4002 on every IPv4 interface) */
  listen?: string[]
  /** the addresses to announce instead of the listen addresses (a public IP or DNS name behind NAT) */
  announce?: string[]
  /** reservations held at once (the relay's default when unset) */
  maxReservations?: number
}

// IPv6 is opt-in (--listen /ip6/::/tcp/4001): a machine without it would fail to start
export const DEFAULT_RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']

/**
 * What every public node has: its identity, TCP and WebSockets (so browsers can reach it) with
 * Noise and Yamux, listening on `listen` (default DEFAULT_RELAY_LISTEN) and announcing `announce`.
 */
export function publicTransports (options: Pick<RelayOptions, 'privateKey' | 'listen' | 'announce'>): Pick<Libp2pInit, 'privateKey' | 'addresses' | 'transports' | 'connectionEncrypters' | 'streamMuxers'> {
  return {
    privateKey: options.privateKey,
    addresses: { listen: options.listen ?? DEFAULT_RELAY_LISTEN, announce: options.announce },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  }
}

/**
 * A public relay node: identify, ping and a circuit relay v2 server with its default limits, which
 * browsers and NATed peers reserve on to be reachable at `<relay>/p2p-circuit/p2p/<peer>`.
 */
export async function startRelay (options: RelayOptions = {}): Promise<RelayNode> {
  return createLibp2p({
    ...publicTransports(options),
    services: {
      identify: identify(),
      ping: ping(),
      relay: circuitRelayServer({ reservations: { maxReservations: options.maxReservations } })
    }
  })
}
