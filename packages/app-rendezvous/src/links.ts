import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** how a page is connected to another: the UI and the test hook show these words */
export type Link = 'direct' | 'relayed' | 'none'

/** a page's address for direct WebRTC through a relay: `<relay>/p2p-circuit/webrtc/p2p/<page>` */
export function isDirectAddress (ma: Multiaddr): boolean {
  const names = ma.getComponents().map(c => c.name)
  const circuit = names.indexOf('p2p-circuit')
  return circuit >= 0 && names[circuit + 1] === 'webrtc'
}

/** a browser-to-browser WebRTC connection (no relay between the pages, no limits) */
export function isDirect (connection: Connection): boolean {
  return connection.limits == null && connection.remoteAddr.getComponents().some(c => c.name === 'webrtc')
}

/** a connection through the relay (limited in bytes and time by it) */
export function isRelayed (connection: Connection): boolean {
  return connection.remoteAddr.getComponents().some(c => c.name === 'p2p-circuit') && !isDirect(connection)
}

/** the best open connection to a peer, direct first */
export function bestConnection (connections: Connection[]): Connection | undefined {
  const open = connections.filter(c => c.status === 'open')
  return open.find(isDirect) ?? open.find(isRelayed)
}

export function linkOf (connections: Connection[]): Link {
  const best = bestConnection(connections)
  if (best == null) { return 'none' }
  return isDirect(best) ? 'direct' : 'relayed'
}
