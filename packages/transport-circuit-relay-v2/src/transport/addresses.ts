import { CODE_P2P, CODE_P2P_CIRCUIT, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface CircuitAddress {
  /** what comes before /p2p-circuit: the relay's address, ending in /p2p/<relay> */
  relay: Multiaddr
  /** the relay's peer id (string) */
  relayId: string
  /** the peer id after /p2p-circuit, if any */
  targetId?: string
}

/**
 * Split `<relay addr>/p2p/<relay>/p2p-circuit[/p2p/<target>]`; undefined for anything else
 * (no relay id, several circuits, more after the target)
 */
export function parseCircuitAddress (ma: Multiaddr): CircuitAddress | undefined {
  const parts = ma.getComponents()
  const at = parts.findIndex(c => c.code === CODE_P2P_CIRCUIT)
  if (at < 1) { return undefined }
  const relayPart = parts[at - 1]
  if (relayPart.code !== CODE_P2P || relayPart.value == null) { return undefined }
  const rest = parts.slice(at + 1)
  if (rest.length > 1 || (rest.length === 1 && (rest[0].code !== CODE_P2P || rest[0].value == null))) { return undefined }
  return { relay: multiaddr(parts.slice(0, at)), relayId: relayPart.value, targetId: rest[0]?.value }
}

/** `<addr>/p2p/<relay>/p2p-circuit/p2p/<peer>`, whether or not addr already ends in /p2p/<relay> */
export function circuitAddress (relayAddr: Multiaddr, relayId: string, peerId: string): Multiaddr {
  const parts = relayAddr.getComponents()
  const base = parts.length > 0 && parts[parts.length - 1].code === CODE_P2P ? multiaddr(parts.slice(0, -1)) : relayAddr
  return base.encapsulate(`/p2p/${relayId}/p2p-circuit/p2p/${peerId}`)
}
