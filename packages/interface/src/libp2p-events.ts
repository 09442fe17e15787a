import type { Connection } from './connection.js'
import type { Libp2p, ServiceMap } from './libp2p.js'
import type { PeerId, PeerInfo } from './peer-id.js'
import type { Peer } from './peer-store.js'
import type { Listener } from './transport.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/** What identify learned about a peer */
export interface IdentifyResult {
  peerId: PeerId
  listenAddrs: Multiaddr[]
  protocols: string[]
  observedAddr?: Multiaddr
  agentVersion?: string
  protocolVersion?: string
  publicKey?: Uint8Array
  signedPeerRecord?: { addresses: Multiaddr[], seq: bigint }
  connection: Connection
}

export interface PeerUpdate {
  peer: Peer
  previous?: Peer
}

/** The node's events (`node.addEventListener(...)`) */
export interface Libp2pEvents<T extends ServiceMap = ServiceMap> {
  /** the first connection to a peer opened */
  'peer:connect': CustomEvent<PeerId>
  /** the last connection to a peer closed */
  'peer:disconnect': CustomEvent<PeerId>
  /** identify finished on a connection */
  'peer:identify': CustomEvent<IdentifyResult>
  /** a peer's record in the peer store changed */
  'peer:update': CustomEvent<PeerUpdate>
  /** a peer discovery module found a peer */
  'peer:discovery': CustomEvent<PeerInfo>
  /** this node's addresses or protocols changed */
  'self:peer:update': CustomEvent<PeerUpdate>
  'connection:open': CustomEvent<Connection>
  'connection:close': CustomEvent<Connection>
  'transport:listening': CustomEvent<Listener>
  'transport:close': CustomEvent<Listener>
  /** the node started; the detail is the node */
  start: CustomEvent<Libp2p<T>>
  /** the node stopped; the detail is the node */
  stop: CustomEvent<Libp2p<T>>
}
