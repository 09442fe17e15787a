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

/**
 * An IP address only reachable from its own network or host: IPv4 loopback, RFC 1918, CGNAT
 * (100.64/10), link-local, unspecified; IPv6 loopback, unspecified, unique local (fc00::/7),
 * link-local (fe80::/10) and IPv4-mapped forms of the IPv4 ones.
 */
export function isPrivateIp (ip: string): boolean {
  const lower = ip.toLowerCase().split('%')[0]
  if (lower.includes(':')) {
    if (lower === '::' || lower === '::1') { return true }
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
    if (mapped != null) { return isPrivateIp(mapped[1]) }
    // the same, as multiaddr prints it: ::ffff:c0a8:101
    const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
    if (mappedHex != null) {
      const hi = parseInt(mappedHex[1], 16)
      const lo = parseInt(mappedHex[2], 16)
      return isPrivateIp(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`)
    }
    const first = parseInt(lower.split(':')[0] === '' ? '0' : lower.split(':')[0], 16)
    return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80
  }
  const b = ip.split('.').map(Number)
  if (b.length !== 4 || b.some(n => !Number.isInteger(n) || n < 0 || n > 255)) { return false }
  return b[0] === 0 || b[0] === 10 || b[0] === 127 ||
    (b[0] === 100 && (b[1] & 0xc0) === 64) ||
    (b[0] === 169 && b[1] === 254) ||
    (b[0] === 172 && (b[1] & 0xf0) === 16) ||
    (b[0] === 192 && b[1] === 168)
}

/** an address whose IP is private (isPrivateIp); addresses without an IP (DNS names, /memory) are not */
export function isPrivateAddress (ma: Multiaddr): boolean {
  const ip = ipOf(ma)
  return ip != null && isPrivateIp(ip)
}
