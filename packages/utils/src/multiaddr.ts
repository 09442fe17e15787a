import { CODE_IP4, CODE_IP6, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The IP of a multiaddr: the value of its first `/ip4` or `/ip6` component, wherever it is
 * (`/ip4/1.2.3.4/tcp/1` and `/dns4/x/ip4/1.2.3.4` both give `1.2.3.4`); undefined when it has
 * none (`/dns4/example.com/tcp/1`, `/memory/x`).
 */
export function ipOf (ma: Multiaddr): string | undefined {
  return ma.getComponents().find(c => c.code === CODE_IP4 || c.code === CODE_IP6)?.value
}

/**
 * An address that goes through a circuit relay: it has a `/p2p-circuit` component anywhere
 * (its connection is relayed, or, as in `…/p2p-circuit/webrtc/…`, its signalling is).
 */
export function isCircuitAddress (ma: Multiaddr): boolean {
  return ma.getComponents().some(c => c.code === CODE_P2P_CIRCUIT)
}
