import { CODE_P2P, CODE_P2P_CIRCUIT, CODE_WEBRTC, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface WebRTCDialAddress {
  /** the relayed address of the target: `<relay addr>/p2p/<relay>/p2p-circuit/p2p/<target>` */
  circuit: Multiaddr
  /** the target's peer id (string) */
  targetId: string
}

/**
 * Split `<relay addr>/p2p/<relay>/p2p-circuit/webrtc/p2p/<target>` into the relayed address to
 * signal over; undefined for anything else.
 */
export function parseDialAddress (ma: Multiaddr): WebRTCDialAddress | undefined {
  const parts = ma.getComponents()
  const at = parts.findIndex(c => c.code === CODE_WEBRTC)
  if (at < 2 || parts[at - 1].code !== CODE_P2P_CIRCUIT || parts[at - 2].code !== CODE_P2P) { return undefined }
  const rest = parts.slice(at + 1)
  if (rest.length !== 1 || rest[0].code !== CODE_P2P || rest[0].value == null) { return undefined }
  return { circuit: multiaddr([...parts.slice(0, at), ...rest]), targetId: rest[0].value }
}

/**
 * What webRTC() listens on: `/webrtc` (reachable through whatever relays the node reserves on)
 * or `<relay addr>/p2p/<relay>/p2p-circuit/webrtc` (that relay: the circuit part is listened on
 * too). Returns the circuit part, or null for bare `/webrtc`; undefined if it is neither.
 */
export function parseListenAddress (ma: Multiaddr): Multiaddr | null | undefined {
  const parts = ma.getComponents()
  if (parts.length === 0 || parts[parts.length - 1].code !== CODE_WEBRTC) { return undefined }
  if (parts.length === 1) { return null }
  if (parts[parts.length - 2].code !== CODE_P2P_CIRCUIT || parts.findIndex(c => c.code === CODE_WEBRTC) !== parts.length - 1) { return undefined }
  return multiaddr(parts.slice(0, -1))
}

/** `…/p2p-circuit/p2p/<self>` → `…/p2p-circuit/webrtc/p2p/<self>`; undefined for other addresses */
export function webrtcAddress (circuitAddr: Multiaddr): Multiaddr | undefined {
  const parts = circuitAddr.getComponents()
  const last = parts[parts.length - 1]
  if (parts.length < 2 || last?.code !== CODE_P2P || parts[parts.length - 2].code !== CODE_P2P_CIRCUIT) { return undefined }
  return multiaddr([...parts.slice(0, -1), { code: CODE_WEBRTC, name: 'webrtc' }, last])
}
