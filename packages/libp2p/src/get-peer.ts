import { InvalidParametersError, isPeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isMultiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The peer id in a multiaddr's last /p2p component, if any */
export function peerIdFromMultiaddr (ma: Multiaddr): PeerId | undefined {
  const value = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  return value == null ? undefined : peerIdFromString(value)
}

export interface DialTarget {
  peerId?: PeerId
  multiaddrs: Multiaddr[]
}

/** Normalise what dial() accepts: a PeerId, a multiaddr, or several multiaddrs of one peer */
export function dialTarget (peer: PeerId | Multiaddr | Multiaddr[]): DialTarget {
  if (isPeerId(peer)) { return { peerId: peer, multiaddrs: [] } }
  const multiaddrs = Array.isArray(peer) ? peer : [peer]
  if (multiaddrs.length === 0 || !multiaddrs.every(isMultiaddr)) {
    throw new InvalidParametersError('dial needs a PeerId, a Multiaddr or a non-empty Multiaddr[]')
  }
  const ids = new Set(multiaddrs.map(ma => peerIdFromMultiaddr(ma)?.toString()))
  if (ids.size > 1) {
    throw new InvalidParametersError('the multiaddrs name different peers')
  }
  return { peerId: peerIdFromMultiaddr(multiaddrs[0]), multiaddrs }
}
