import { STATUS_MAX_CONNECTIONS } from './constants.js'
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

/** one JSON document: /status.json, and each /events update */
export interface StatusSnapshot {
  peerId: string
  addresses: string[]
  /** all open connections; `connections` lists at most STATUS_MAX_CONNECTIONS of them */
  connectionCount: number
  connections: ConnectionSummary[]
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

/** the node's state as the status page shows it, newest connections first */
export function statusSnapshot (node: StatusNode, limits: StatusLimits = {}): StatusSnapshot {
  const open = node.getConnections()
  const newest = [...open].sort((a, b) => b.timeline.open - a.timeline.open).slice(0, STATUS_MAX_CONNECTIONS)
  return {
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map(ma => ma.toString()),
    connectionCount: open.length,
    connections: newest.map(summary),
    relay: { reservations: node.services.relay.reservationCount, circuits: node.services.relay.circuitCount },
    dht: { mode: node.services.dht.getMode(), routingTable: node.services.dht.routingTable.size },
    limits
  }
}
