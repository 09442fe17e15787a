import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { UsageError } from './errors.js'
import { isSecureWebSocketAddress, secureWebSocketAddress } from './tls.js'
import type { CircuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'
import type { Server as HttpsServer } from 'node:https'

/** the WebSockets listeners' certificate (chain) and private key, PEM */
export interface WssTls {
  cert: string
  key: string
  /** called with each wss listener's https.Server, whose certificate can then be swapped (WssServers) */
  onHttpsServer?(server: HttpsServer): void
}

export type RelayNode = Libp2p<{ identify: Identify, ping: Ping, relay: CircuitRelayServer }>

export interface RelayOptions {
  privateKey?: PrivateKey
  /** TCP, WebSocket and WebRTC-Direct listen addresses (default: DEFAULT_RELAY_LISTEN, TCP 4001 and WebSockets 4002 on every IPv4 interface) */
  listen?: string[]
  /** the addresses to announce instead of the listen addresses (a public IP or DNS name behind NAT) */
  announce?: string[]
  /**
   * the certificate (chain) and private key, PEM, of the WebSockets listeners: with them every
   * WebSockets listen address serves TLS (`/ws` listens as `/tls/ws`)
   */
  tls?: WssTls
  /** reservations held at once (the relay's default when unset) */
  maxReservations?: number
}

// IPv6 is opt-in (--listen /ip6/::/tcp/4001): a machine without it would fail to start
export const DEFAULT_RELAY_LISTEN = ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']

/**
 * `libp2p node`'s: the relay's and WebRTC-Direct on UDP 4003, which browsers dial without a
 * certificate they trust and which needs nothing installed. Only the node keeps the certificate
 * (in its datastore), so only its certhash survives a restart: the relay command does not listen there.
 */
export const DEFAULT_NODE_LISTEN = [...DEFAULT_RELAY_LISTEN, '/ip4/0.0.0.0/udp/4003/webrtc-direct']

/**
 * The listen addresses with `tls`: every WebSockets one serves TLS. Without it a wss address is
 * refused here, with the flags that would make it work, instead of failing later in the transport.
 */
function listenAddresses (listen: string[], tls: boolean): string[] {
  if (tls) {
    const secured = listen.map(secureWebSocketAddress)
    if (!secured.some(isSecureWebSocketAddress)) {
      throw new UsageError(`--tls-cert and --tls-key are for WebSockets, and no listen address is one (${listen.join(' ')})`)
    }
    return secured
  }
  const secure = listen.find(isSecureWebSocketAddress)
  if (secure != null) {
    throw new UsageError(`listening on ${secure} needs a certificate: give --tls-cert and --tls-key (or listen on /ws behind a TLS proxy, and --announce its /tls/ws address)`)
  }
  return listen
}

/**
 * What every public node has: its identity, TCP, WebSockets (ws, or wss with `tls`) and
 * WebRTC-Direct (so browsers can reach it) with Noise and Yamux, listening on `listen` (default
 * DEFAULT_RELAY_LISTEN) and announcing `announce`. WebRTC-Direct keeps its certificate in the
 * node's datastore, so a node with a persistent one keeps its certhash across restarts.
 */
export function publicTransports (options: Pick<RelayOptions, 'privateKey' | 'listen' | 'announce' | 'tls'>): Pick<Libp2pInit, 'privateKey' | 'addresses' | 'transports' | 'connectionEncrypters' | 'streamMuxers'> {
  const tls = options.tls
  return {
    privateKey: options.privateKey,
    addresses: { listen: listenAddresses(options.listen ?? DEFAULT_RELAY_LISTEN, tls != null), announce: options.announce },
    transports: [tcp(), webSockets(tls != null ? { https: { cert: tls.cert, key: tls.key }, onHttpsServer: tls.onHttpsServer } : {}), webRTCDirect()],
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
