import { STATUS_MAX_CONNECTIONS, STATUS_MAX_PEERS } from './constants.js'
import type { ReservedPeer } from './reserved-peers.js'
import type { CircuitRelayServer } from '@libp2p/circuit-relay-v2'
import type { Connection, PeerId } from '@libp2p/interface'
import type { SingleKadDHT } from '@libp2p/kad-dht'
import type { Multiaddr } from '@multiformats/multiaddr'

/** what the status page shows of the node: only these, so a test can give a stand-in */
export interface StatusNode {
  peerId: PeerId
  getMultiaddrs(): Multiaddr[]
  getConnections(): Connection[]
  services: {
    relay: Pick<CircuitRelayServer, 'reservationCount' | 'circuitCount'>
    dht: Pick<SingleKadDHT, 'routingTable' | 'getMode'>
  }
}

/** the limits the page shows next to the counts (undefined: not shown) */
export interface StatusLimits {
  maxConnections?: number
  maxReservations?: number
  maxCircuits?: number
}

export interface ConnectionSummary {
  id: string
  remotePeer: string
  remoteAddr: string
  direction: 'inbound' | 'outbound'
  /** the transport as the remote address names it: tcp, ws, wss, webrtc-direct, webrtc, circuit relay... */
  transport: string
  /** through a relay (a limited connection) rather than direct */
  relayed: boolean
  streams: number
  /** when it opened, in ms since the epoch */
  opened: number
}

/** a connected peer: its connections taken together */
export interface PeerSummary {
  peerId: string
  /** the remote address and direction of its newest connection */
  remoteAddr: string
  direction: 'inbound' | 'outbound'
  connections: number
  /** streams open on all its connections */
  streams: number
  /** when its oldest open connection opened, in ms since the epoch (its age) */
  connected: number
  /** it holds a relay reservation on this node */
  reservation: boolean
}

export interface ReservationSummary extends ReservedPeer {
  /** the remote address of its newest connection (a reservation lasts only while it is connected) */
  remoteAddr?: string
}

/** which peers hold a reservation (ReservedPeers) */
export interface ReservationSource {
  readonly size: number
  has(peerId: string): boolean
  newest(n: number): ReservedPeer[]
}

/** one JSON document: /status.json, and each /events update */
export interface StatusSnapshot {
  peerId: string
  addresses: string[]
  /** all open connections; `connections` lists at most STATUS_MAX_CONNECTIONS of them */
  connectionCount: number
  connections: ConnectionSummary[]
  /** all connected peers; `peers` lists at most STATUS_MAX_PEERS of them, those connected last first */
  peerCount: number
  peers: PeerSummary[]
  /** reservations as the page follows them (the relay's own count is relay.reservations); `reservations` lists the newest STATUS_MAX_PEERS */
  reservationCount: number
  reservations: ReservationSummary[]
  relay: { reservations: number, circuits: number }
  dht: { mode: 'client' | 'server', routingTable: number }
  limits: StatusLimits
}

/** the transport a connection runs over, named by the protocols of its remote address */
export function transportName (addr: Multiaddr): string {
  const names = addr.getComponents().map(c => c.name)
  if (names.includes('webrtc-direct')) { return 'webrtc-direct' }
  // browser-to-browser WebRTC keeps the relay it was signalled through in its address, yet is direct
  if (names.includes('webrtc')) { return 'webrtc' }
  if (names.includes('p2p-circuit')) { return 'circuit relay' }
  if (names.includes('webtransport')) { return 'webtransport' }
  if (names.includes('wss') || (names.includes('tls') && names.includes('ws'))) { return 'wss' }
  if (names.includes('ws')) { return 'ws' }
  if (names.includes('quic-v1')) { return 'quic' }
  if (names.includes('tcp')) { return 'tcp' }
  return names.join('/')
}

function summary (c: Connection): ConnectionSummary {
  return {
    id: c.id,
    remotePeer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    direction: c.direction,
    transport: transportName(c.remoteAddr),
    relayed: !c.direct || c.limits != null,
    streams: c.streams.length,
    opened: c.timeline.open
  }
}

/** the peers of `newestFirst` (connections sorted newest first), in the order of their newest connection */
function peerSummaries (newestFirst: Connection[], reserved?: ReservationSource): Map<string, PeerSummary> {
  const peers = new Map<string, PeerSummary>()
  for (const c of newestFirst) {
    const peerId = c.remotePeer.toString()
    const seen = peers.get(peerId)
    if (seen != null) {
      seen.connections++
      seen.streams += c.streams.length
      seen.connected = Math.min(seen.connected, c.timeline.open)
      continue
    }
    peers.set(peerId, {
      peerId,
      remoteAddr: c.remoteAddr.toString(),
      direction: c.direction,
      connections: 1,
      streams: c.streams.length,
      connected: c.timeline.open,
      reservation: reserved?.has(peerId) ?? false
    })
  }
  return peers
}

/** the node's state as the status page shows it, newest connections (and peers, and reservations) first */
export function statusSnapshot (node: StatusNode, limits: StatusLimits = {}, reserved?: ReservationSource): StatusSnapshot {
  const open = [...node.getConnections()].sort((a, b) => b.timeline.open - a.timeline.open)
  const peers = peerSummaries(open, reserved)
  return {
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map(ma => ma.toString()),
    connectionCount: open.length,
    connections: open.slice(0, STATUS_MAX_CONNECTIONS).map(summary),
    peerCount: peers.size,
    peers: [...peers.values()].slice(0, STATUS_MAX_PEERS),
    reservationCount: reserved?.size ?? 0,
    reservations: (reserved?.newest(STATUS_MAX_PEERS) ?? []).map(r => ({ ...r, remoteAddr: peers.get(r.peerId)?.remoteAddr })),
    relay: { reservations: node.services.relay.reservationCount, circuits: node.services.relay.circuitCount },
    dht: { mode: node.services.dht.getMode(), routingTable: node.services.dht.routingTable.size },
    limits
  }
}
