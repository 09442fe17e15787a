import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, identifyPush } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Ping } from '@libp2p/ping'
import type { Libp2p, Libp2pInit } from 'libp2p'

/** what every client command's node runs */
// a type alias, not an interface: Libp2p<T> wants an index signature, which only aliases infer
export type ClientServices = { identify: Identify, identifyPush: IdentifyPush, ping: Ping }

export type ClientNode = Libp2p<ClientServices>
export type DhtClientNode = Libp2p<ClientServices & { dht: KadDHT }>

export interface ClientNodeOptions {
  /** the identity; a fresh Ed25519 key when unset */
  privateKey?: PrivateKey
  /**
   * listen addresses on any of the transports, `<relay>/p2p/<relay id>/p2p-circuit` included
   * (start() then waits for that reservation); none: the node only dials
   */
  listen?: string[]
  /** ms one ping may take, its dial included (the ping service's `timeout`) */
  pingTimeout?: number
  /** ms a reservation request may take (the relay transport's `reservationCompletionTimeout`) */
  reservationTimeout?: number
}

/**
 * Every transport a `libp2p node` (or any other libp2p peer) may be reached on: TCP, WebSockets
 * (ws and wss), WebRTC-Direct and circuit relay, each with Noise and Yamux where the transport
 * does not bring its own, so one client dials whatever address it is given
 */
function clientInit (options: ClientNodeOptions): Pick<Libp2pInit, 'privateKey' | 'addresses' | 'transports' | 'connectionEncrypters' | 'streamMuxers'> {
  return {
    privateKey: options.privateKey,
    addresses: { listen: options.listen ?? [] },
    transports: [tcp(), webSockets(), webRTCDirect(), circuitRelayTransport({ reservationCompletionTimeout: options.reservationTimeout })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  }
}

function clientServices (options: ClientNodeOptions): { identify: ReturnType<typeof identify>, identifyPush: ReturnType<typeof identifyPush>, ping: ReturnType<typeof ping> } {
  // identify-push tells a relay about the circuit addresses a reservation added
  return { identify: identify(), identifyPush: identifyPush(), ping: ping({ timeout: options.pingTimeout }) }
}

/** the node of `libp2p ping` and `libp2p listen` */
export async function startClientNode (options: ClientNodeOptions = {}): Promise<ClientNode> {
  return createLibp2p({ ...clientInit(options), services: clientServices(options) })
}

/**
 * The node of `libp2p dht ...`: the same with a Kademlia DHT in client mode (it asks, never
 * serves). Its mapper keeps every address: a client prints what the network answered, filtering
 * private addresses is the servers' business.
 */
export async function startDhtClientNode (options: ClientNodeOptions = {}): Promise<DhtClientNode> {
  return createLibp2p({
    ...clientInit(options),
    services: { ...clientServices(options), dht: kadDHT({ clientMode: true, peerInfoMapper: passthroughMapper }) }
  })
}
