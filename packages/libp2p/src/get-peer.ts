import { InvalidParametersError, isPeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isCircuitAddress } from '@libp2p/utils'
import { CODE_P2P_CIRCUIT, CODE_WEBRTC, isMultiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The peer id in a multiaddr's last /p2p component, if any */
export function peerIdFromMultiaddr (ma: Multiaddr): PeerId | undefined {
  const value = ma.getComponents().findLast(c => c.name === 'p2p')?.value
  return value == null ? undefined : peerIdFromString(value)
}

/** an address that goes through a circuit relay (the check lives in @libp2p/utils) */
export { isCircuitAddress }

/**
 * An address whose connection is relayed, and so limited by the relay: a circuit address, except
 * `…/p2p-circuit/webrtc/…`, where only the signalling goes through the relay and the connection
 * is a direct (unlimited) WebRTC one.
 */
export function isLimitedAddress (ma: Multiaddr): boolean {
  const components = ma.getComponents()
  const circuit = components.findLastIndex(c => c.code === CODE_P2P_CIRCUIT)
  return circuit >= 0 && !components.slice(circuit + 1).some(c => c.code === CODE_WEBRTC)
}

/** a direct connection whose signalling goes through a relay (`…/p2p-circuit/webrtc/…`) */
export function isSignalledAddress (ma: Multiaddr): boolean {
  return isCircuitAddress(ma) && !isLimitedAddress(ma)
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
