import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { DIAL_TIMEOUT_MS } from './constants.js'
import type { AppConfig } from './config.js'
import type { Identify } from '@libp2p/identify'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

/** the multicodec of /p2p/<peer id> */
const P2P_CODE = 421

export type AppNode = Libp2p<{ identify: Identify, ping: Ping, dht: KadDHT }>

/** what the chat and file protocols need of a node: to register their handlers */
export type ProtocolHost = Pick<Libp2p, 'handle' | 'unhandle'>

/**
 * The page's node: WebSockets to reach the relay, a reservation on it (listening on
 * `<relay>/p2p-circuit`) so other pages can reach this one, `/webrtc` so they can upgrade to a direct
 * connection through it, and a DHT client to meet them.
 *
 * The gater lets the page dial only through its own relay: provider records come from other peers,
 * and a page must not be made to dial whatever address a stranger announces (its LAN, say).
 */
export async function createAppNode (config: AppConfig): Promise<AppNode> {
  const relays = config.relay.map(ma => ma.toString())
  // the transport part of each relay address, with or without the /p2p/<id> a dial may carry
  const bases = config.relay.map(ma => ma.decapsulateCode(P2P_CODE).toString())
  const throughRelay = (ma: Multiaddr): boolean => {
    const text = ma.toString()
    return bases.some(base => text === base || text.startsWith(`${base}/`))
  }
  return createLibp2p({
    privateKey: config.privateKey,
    addresses: { listen: [...relays.map(r => `${r}/p2p-circuit`), '/webrtc'] },
    transports: [
      webSockets(),
      circuitRelayTransport(),
      webRTC({ rtcConfiguration: { iceServers: config.iceServers } })
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: (ma) => !throughRelay(ma) },
    // a WebRTC dial holds the relayed connection, the signaling and ICE (with STUN/TURN on real
    // networks): more than the default 5 s per address
    connectionManager: { dialTimeout: DIAL_TIMEOUT_MS, addressDialTimeout: DIAL_TIMEOUT_MS },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({ clientMode: true })
    }
  })
}
