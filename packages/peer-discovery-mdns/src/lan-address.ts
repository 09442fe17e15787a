import { isCircuitAddress, ipOf } from '@libp2p/utils'
import { CODE_IP4 } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Whether an address is worth announcing to the local network: its IP is loopback, private
 * (RFC 1918, IPv6 unique local) or link-local, as the libp2p mDNS spec asks (js-libp2p filters the
 * same way). A public address is for the DHT and identify, not for mDNS; a circuit address is
 * left out too, since a peer on the same network can reach us directly.
 */
export function isLanAddress (ma: Multiaddr): boolean {
  if (isCircuitAddress(ma)) { return false }
  const first = ma.getComponents()[0]
  const ip = ipOf(ma)
  if (ip == null || first.value !== ip) { return false }
  return first.code === CODE_IP4 ? isLanIPv4(ip) : isLanIPv6(ip)
}

function isLanIPv4 (ip: string): boolean {
  const [a, b] = ip.split('.').map(Number)
  return a === 10 || a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
}

function isLanIPv6 (ip: string): boolean {
  const lower = ip.toLowerCase()
  if (lower === '::1') { return true }
  const mapped = ipv4Mapped(lower)
  if (mapped != null) { return isLanIPv4(mapped) }
  const head = parseInt(lower.split(':')[0], 16)
  // fc00::/7 unique local, fe80::/10 link-local
  return (head & 0xfe00) === 0xfc00 || (head & 0xffc0) === 0xfe80
}

/** the IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`, which multiaddr prints as `::ffff:xxxx:xxxx`) */
function ipv4Mapped (ip: string): string | undefined {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)
  if (dotted != null) { return dotted[1] }
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip)
  if (hex == null) { return undefined }
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)]
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.')
}
